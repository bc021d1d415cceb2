package dev.kubectlsidecar.cli.support;

/** Exception and server messages made fit for one line of output. */
public final class Messages {
    private Messages() {
    }

    /** The text up to its first line break; empty for null (a Kubernetes Status or a stack of causes can span lines). */
    public static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
