package dev.kubectlsidecar.cli.cluster;

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

    void add(List<String> row) {
        rows.add(row);
    }

    String render(int width) {
        int[] widths = new int[headers.size()];
        for (List<String> row : withHeader()) {
            for (int i = 0; i < row.size() - 1; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : withHeader()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(i < row.size() - 1 ? pad(cell, widths[i] + 3) : cell);
            }
            out.append(fit(line.toString().stripTrailing(), width)).append('\n');
        }
        return out.toString();
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        return all;
    }

    private static String pad(String cell, int width) {
        return cell + " ".repeat(Math.max(0, width - cell.length()));
    }

    private static String fit(String line, int width) {
        return width <= 0 || line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}
