package dev.kubectlsidecar.injector.manifest;

/** A manifest that cannot be processed; the message is one line naming the file, the document and the line. */
public final class ManifestException extends RuntimeException {
    public ManifestException(String source, Integer document, Integer line, String problem) {
        super(location(source, document, line) + problem);
    }

    private static String location(String source, Integer document, Integer line) {
        StringBuilder at = new StringBuilder(source);
        if (document != null) {
            at.append(": document ").append(document);
        }
        if (line != null && line > 0) {
            at.append(document != null ? " (line " + line + ")" : ": line " + line);
        }
        return at.append(": ").toString();
    }
}
