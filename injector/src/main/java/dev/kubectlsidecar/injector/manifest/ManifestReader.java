package dev.kubectlsidecar.injector.manifest;

import java.util.List;

/**
 * Reads a manifest: multi-document YAML, or JSON (one or more concatenated values). Each document keeps its
 * number and first line for error messages; empty documents are dropped, as kubectl does. {@link ManifestSource}
 * keeps, besides, where each node is written.
 */
public final class ManifestReader {
    private ManifestReader() {
    }

    public static ManifestFormat detect(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uFEFF' || Character.isWhitespace(c)) {
                continue;
            }
            return c == '{' || c == '[' ? ManifestFormat.JSON : ManifestFormat.YAML;
        }
        return ManifestFormat.YAML;
    }

    /** @param source the name used in error messages (a path, or "stdin") */
    public static List<Document> read(String source, String text) {
        return ManifestSource.read(source, text).documents();
    }
}
