package dev.kubectlsidecar.cli.support;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff (3 lines of context) of a manifest file as written against what would be written in its place,
 * that {@code patch -p1} and {@code git apply} apply: lines keep their own line breaks ({@code \r\n} too), and a last
 * line without one is marked {@code \ No newline at end of file}. Also what {@code install --dry-run} shows of the
 * cluster's objects against the manifests.
 */
public final class ManifestDiff {
    private static final int CONTEXT = 3;

    private ManifestDiff() {
    }

    /** @param label the file's name ({@code a/} and {@code b/} are put before it), or {@code -} for standard input */
    public static String unified(String label, String before, String after) {
        return label.equals("-") ? unified("-", "-", before, after) : unified("a/" + label, "b/" + label, before, after);
    }

    /** The diff with {@code fromLabel} and {@code toLabel} on its {@code ---} and {@code +++} lines; "" when equal. */
    public static String unified(String fromLabel, String toLabel, String before, String after) {
        if (before.equals(after)) {
            return "";
        }
        List<String> original = lines(before);
        List<String> revised = lines(after);
        List<AbstractDelta<String>> deltas = DiffUtils.diff(original, revised).getDeltas();
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(fromLabel).append('\n');
        out.append("+++ ").append(toLabel).append('\n');
        int i = 0;
        while (i < deltas.size()) {
            int j = i;
            while (j + 1 < deltas.size() && deltas.get(j + 1).getSource().getPosition()
                    - end(deltas.get(j)) <= 2 * CONTEXT) {
                j++;
            }
            hunk(deltas.subList(i, j + 1), original, revised, out);
            i = j + 1;
        }
        return out.toString();
    }

    private static int end(AbstractDelta<String> delta) {
        return delta.getSource().getPosition() + delta.getSource().size();
    }

    private static void hunk(List<AbstractDelta<String>> deltas, List<String> original, List<String> revised,
                             StringBuilder out) {
        AbstractDelta<String> first = deltas.get(0);
        AbstractDelta<String> last = deltas.get(deltas.size() - 1);
        int sourceStart = Math.max(0, first.getSource().getPosition() - CONTEXT);
        int sourceEnd = Math.min(original.size(), end(last) + CONTEXT);
        int targetStart = first.getTarget().getPosition() - (first.getSource().getPosition() - sourceStart);
        int targetEnd = last.getTarget().getPosition() + last.getTarget().size() + (sourceEnd - end(last));
        out.append("@@ -").append(range(sourceStart, sourceEnd - sourceStart)).append(" +")
                .append(range(targetStart, targetEnd - targetStart)).append(" @@\n");
        int at = sourceStart;
        for (AbstractDelta<String> delta : deltas) {
            for (; at < delta.getSource().getPosition(); at++) {
                line(' ', original.get(at), out);
            }
            delta.getSource().getLines().forEach(line -> line('-', line, out));
            delta.getTarget().getLines().forEach(line -> line('+', line, out));
            at = end(delta);
        }
        for (; at < sourceEnd; at++) {
            line(' ', original.get(at), out);
        }
    }

    private static String range(int start, int count) {
        return (count == 0 ? start : start + 1) + (count == 1 ? "" : "," + count);
    }

    private static void line(char mark, String line, StringBuilder out) {
        out.append(mark).append(line);
        if (!line.endsWith("\n")) {
            out.append("\n\\ No newline at end of file\n");
        }
    }

    /** The lines of {@code text}, each with its line break. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int newline = text.indexOf('\n', from);
            int end = newline < 0 ? text.length() : newline + 1;
            lines.add(text.substring(from, end));
            from = end;
        }
        return lines;
    }
}
