package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.text.PrintedText;
import java.util.ArrayList;
import java.util.List;

/**
 * A kubectl-style table: upper-case headers, columns separated by three spaces, no borders. When a width is
 * given, the last column is cut to fit the terminal (marked with …) rather than wrapping.
 */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> headers) {
        this.headers = headers;
    }

    /** Cells come from the cluster (names, reasons): escaped for the terminal ({@link PrintedText}). */
    void add(List<String> row) {
        rows.add(row.stream().map(PrintedText::escape).toList());
    }

    /** Written into one buffer, cell by cell: a table of 10 000 pods is some 2 MB of text. */
    String render(int width) {
        int[] widths = new int[headers.size()];
        measure(headers, widths);
        rows.forEach(row -> measure(row, widths));
        StringBuilder out = new StringBuilder((rows.size() + 1) * 128);
        StringBuilder line = new StringBuilder(256);
        append(out, line, headers, widths, width);
        rows.forEach(row -> append(out, line, row, widths, width));
        return out.toString();
    }

    private static void measure(List<String> row, int[] widths) {
        for (int i = 0; i < row.size() - 1; i++) {
            widths[i] = Math.max(widths[i], row.get(i).length());
        }
    }

    private static void append(StringBuilder out, StringBuilder line, List<String> row, int[] widths, int width) {
        line.setLength(0);
        for (int i = 0; i < row.size(); i++) {
            String cell = row.get(i);
            line.append(cell);
            for (int pad = i < row.size() - 1 ? widths[i] + 3 - cell.length() : 0; pad > 0; pad--) {
                line.append(' ');
            }
        }
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        if (width > 0 && end > width) {
            out.append(line, 0, Math.max(0, width - 1)).append('…');
        } else {
            out.append(line, 0, end);
        }
        out.append('\n');
    }
}
