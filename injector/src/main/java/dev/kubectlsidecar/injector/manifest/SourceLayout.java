package dev.kubectlsidecar.injector.manifest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * How a file is laid out, so what is inserted looks written by the same hand: its line break ({@code \n} or
 * {@code \r\n}), its indentation width, whether block sequences are indented under their key (and by how much), and
 * the gap after a sequence's dash. Found from the first examples of each in the file; kubectl's style otherwise.
 */
record SourceLayout(String newline, int indent, int sequenceIndent, int dashGap) {
    private static final int LOOK_AT_MOST = 5000;

    static SourceLayout of(String text, List<SourceNode> roots) {
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        Integer indent = null;
        Integer sequenceIndent = null;
        Integer dashGap = null;
        Deque<SourceNode> queue = new ArrayDeque<>();
        roots.forEach(queue::add);
        int seen = 0;
        while (!queue.isEmpty() && seen++ < LOOK_AT_MOST && (indent == null || sequenceIndent == null || dashGap == null)) {
            SourceNode node = queue.poll();
            if (node.kind == SourceNode.Kind.MAPPING) {
                for (SourceNode.Entry entry : node.entries) {
                    SourceNode value = entry.value();
                    if (!node.flow && !value.flow && !value.isEmptyCollection() && value.line > entry.keyNode().line) {
                        if (indent == null && value.kind == SourceNode.Kind.MAPPING && value.column > entry.keyNode().column) {
                            indent = value.column - entry.keyNode().column;
                        }
                        if (sequenceIndent == null && value.kind == SourceNode.Kind.SEQUENCE) {
                            sequenceIndent = Math.max(0, value.column - entry.keyNode().column);
                        }
                    }
                    if (node.flow && indent == null && value.isCollection() && !value.isEmptyCollection()) {
                        SourceNode first = value.kind == SourceNode.Kind.MAPPING ? value.entries.get(0).keyNode()
                                : value.items.get(0);
                        if (first.line > entry.keyNode().line && first.column > entry.keyNode().column) {
                            indent = first.column - entry.keyNode().column;
                        }
                    }
                    queue.add(value);
                }
            } else if (node.kind == SourceNode.Kind.SEQUENCE) {
                if (!node.flow && dashGap == null && !node.items.isEmpty()) {
                    SourceNode first = node.items.get(0);
                    if (first.line == node.line && first.column > node.column) {
                        dashGap = first.column - node.column;
                    }
                }
                queue.addAll(node.items);
            }
        }
        return new SourceLayout(newline, indent == null ? 2 : indent, sequenceIndent == null ? 0 : sequenceIndent,
                dashGap == null ? 2 : dashGap);
    }

    /** Where the line holding {@code offset} starts. */
    static int lineStart(String text, int offset) {
        int at = offset;
        while (at > 0 && text.charAt(at - 1) != '\n') {
            at--;
        }
        return at;
    }

    /** Where the line holding {@code offset} ends, before its line break (or at the end of the text). */
    static int lineEnd(String text, int offset) {
        int newline = text.indexOf('\n', offset);
        if (newline < 0) {
            return text.length();
        }
        return newline > 0 && text.charAt(newline - 1) == '\r' && newline - 1 >= offset ? newline - 1 : newline;
    }

    /** After the line break of the line holding {@code offset}; -1 when that line is the last and has none. */
    static int nextLine(String text, int offset) {
        int newline = text.indexOf('\n', offset);
        return newline < 0 ? -1 : newline + 1;
    }

    /** Whether only spaces stand between the start of its line and {@code offset}. */
    static boolean leadsItsLine(String text, int offset) {
        for (int at = offset - 1; at >= 0 && text.charAt(at) != '\n'; at--) {
            if (text.charAt(at) != ' ' && text.charAt(at) != '\t' && text.charAt(at) != '\uFEFF') {
                return false;
            }
        }
        return true;
    }

    static String spaces(int count) {
        return " ".repeat(Math.max(0, count));
    }
}
