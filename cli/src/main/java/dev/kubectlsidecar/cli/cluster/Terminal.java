package dev.kubectlsidecar.cli.cluster;

/**
 * The terminal's width for plain (non-live) tables, without opening a terminal library (that costs ~200 ms of
 * start-up): {@code $COLUMNS} when the shell exports it; otherwise tables are not cut.
 */
final class Terminal {
    private Terminal() {
    }

    static int columns() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("\\d{1,4}")) {
            return Integer.parseInt(columns);
        }
        return 0;
    }
}
