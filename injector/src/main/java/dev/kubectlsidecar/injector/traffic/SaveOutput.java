package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iptables-save} output as the kernel prints it back: {@code *table} sections with {@code :CHAIN POLICY
 * [p:b]} declarations and {@code -A CHAIN …} rules (optionally prefixed by {@code [p:b]} counters), comments skipped.
 */
final class SaveOutput {
    /** A rule as printed: its chain, its tokens after the chain, and the line itself. */
    record SavedRule(String chain, List<String> params, String line) {
    }

    record Table(List<String> chains, List<SavedRule> rules) {
    }

    private SaveOutput() {
    }

    static Map<String, Table> parse(String text) {
        Map<String, Table> tables = new LinkedHashMap<>();
        Table current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                line = line.substring(line.indexOf(']') + 1).strip();
            }
            if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
                continue;
            }
            if (line.startsWith("*")) {
                current = tables.computeIfAbsent(line.substring(1).strip(),
                        name -> new Table(new ArrayList<>(), new ArrayList<>()));
            } else if (current == null) {
                throw new IllegalArgumentException("iptables-save line outside a table: " + line);
            } else if (line.startsWith(":")) {
                current.chains().add(line.substring(1).split(" ")[0]);
            } else if (line.startsWith("-A ")) {
                List<String> words = words(line);
                current.rules().add(new SavedRule(words.get(1), words.subList(2, words.size()), line));
            } else {
                throw new IllegalArgumentException("not an iptables-save line: " + line);
            }
        }
        return tables;
    }

    /** Splits on blanks; double quotes group (iptables-save quotes comments), with backslash escapes inside. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                word = word == null ? new StringBuilder() : word;
            } else if (!quoted && c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
