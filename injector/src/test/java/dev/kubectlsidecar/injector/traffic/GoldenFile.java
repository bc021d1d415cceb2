package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.List;

/**
 * The restore inputs recorded in an upstream {@code NAME.golden}: the envelope ({@code iptables-save},
 * {@code ip6tables-save} before; {@code iptables-save} [{@code ip6tables-save}] after) is dropped, and the rest is
 * split into the IPv4 file and, when present, the IPv6 file: each lists its tables in name order, so a table header
 * that does not sort after the previous one starts the second file.
 */
record GoldenFile(String v4, String v6) {

    static GoldenFile parse(String golden) {
        List<String> lines = new ArrayList<>(List.of(golden.strip().split("\n", -1)));
        if (lines.size() < 3 || !lines.get(0).equals("iptables-save") || !lines.get(1).equals("ip6tables-save")) {
            throw new IllegalArgumentException("golden does not start with the save envelope: " + lines);
        }
        lines = lines.subList(2, lines.size());
        if (lines.get(lines.size() - 1).equals("ip6tables-save")) {
            lines = lines.subList(0, lines.size() - 1);
        }
        if (!lines.get(lines.size() - 1).equals("iptables-save")) {
            throw new IllegalArgumentException("golden does not end with the save envelope");
        }
        lines = lines.subList(0, lines.size() - 1);

        List<StringBuilder> files = new ArrayList<>();
        String previousTable = null;
        for (String line : lines) {
            if (line.startsWith("* ")) {
                String table = line.substring(2);
                if (previousTable == null || table.compareTo(previousTable) <= 0) {
                    files.add(new StringBuilder());
                }
                previousTable = table;
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("rule line before any table: " + line);
            }
            files.get(files.size() - 1).append(line).append('\n');
        }
        if (files.isEmpty() || files.size() > 2) {
            throw new IllegalArgumentException("expected one or two restore files, found " + files.size());
        }
        return new GoldenFile(files.get(0).toString().strip(), files.size() == 2 ? files.get(1).toString().strip() : "");
    }
}
