package dev.kubectlsidecar.injector.text;

/**
 * Text from a manifest or the cluster made safe for a terminal: control characters (C0 such as ESC, newline and
 * tab; DEL; C1 such as CSI U+009B), Unicode line separators and bidirectional overrides are printed as escapes
 * ({@code \n}, {@code \x1b}, {@code \u009b}, {@code \u202e}), so a resource name, annotation value or reason can
 * neither drive the terminal (ANSI/OSC sequences) nor fake extra lines of output. Applied where such text leaves
 * us: the CLI's error and report lines, warnings, status and verify tables; the webhook's denial messages and
 * warnings (which kubectl prints, and events carry to whoever describes the workload).
 */
public final class PrintedText {
    private PrintedText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !unsafe(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x80) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f
                || c >= 0x80 && c <= 0x9f
                || c == '\u061c' || c == '\u200e' || c == '\u200f'
                || c >= '\u2028' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069';
    }
}
