package dev.kubectlsidecar.injector.manifest;

import dev.kubectlsidecar.injector.JsonText;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * Reads a manifest: multi-document YAML, or JSON (one or more concatenated values). Each document keeps its
 * number and first line for error messages; empty documents are dropped, as kubectl does.
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
        List<Document> documents = new ArrayList<>();
        int number = 0;
        // Documents follow one another in one stream: what comes after a document is the next one.
        try (JsonParser parser = JsonText.parser(text, detect(text) == ManifestFormat.YAML)) {
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JacksonException e) {
                    throw fail(source, number + 1, e);
                }
                if (token == null) {
                    break;
                }
                number++;
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode tree;
                try {
                    tree = JsonText.read(parser);
                } catch (JacksonException e) {
                    throw fail(source, number, e);
                }
                if (tree == null || tree.isNull() || tree.isMissingNode()) {
                    continue;
                }
                if (!tree.isObject()) {
                    throw new ManifestException(source, number, line,
                            "not a Kubernetes object (a " + (tree.isArray() ? "list" : "scalar") + " at the top level)");
                }
                documents.add(new Document(number, line, tree));
            }
        } catch (JacksonException e) {
            throw fail(source, number, e);
        }
        return documents;
    }

    private static ManifestException fail(String source, int document, JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        String problem = e.getOriginalMessage();
        int newline = problem.indexOf('\n');
        if (newline >= 0) {
            problem = problem.substring(0, newline);
        }
        return new ManifestException(source, document, location == null ? null : location.getLineNr(),
                "invalid YAML/JSON: " + problem);
    }
}
