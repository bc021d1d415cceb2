package dev.kubectlsidecar.injector.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One node of a manifest as written: where it is in the text ({@code start} to {@code end}, character offsets; for a
 * block collection {@code end} is where its last line's content ends), how it is written (block or flow, the
 * scalar's quoting), its anchor, and the JSON value it means. Aliases are nodes of their own that point at their
 * anchor's node; a mapping's {@code <<} merge keys are resolved into {@link #members}.
 */
final class SourceNode {
    enum Kind { SCALAR, MAPPING, SEQUENCE, ALIAS }

    /** How a scalar is written. */
    enum Style { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL, FOLDED }

    /** A key of a mapping as written: its key node, its value node, and whether it is a {@code <<} merge key. */
    record Entry(String key, SourceNode keyNode, SourceNode value, boolean merge) {
    }

    /**
     * Where a key of the mapping's meaning comes from: its own entry ({@code entry} is its index), or a mapping
     * merged in by {@code <<} ({@code entry} is -1, {@code mergedFrom} the merge entry).
     */
    record Member(SourceNode value, int entry, Entry mergedFrom) {
        boolean inherited() {
            return entry < 0;
        }
    }

    final Kind kind;
    final int start;
    int end;
    final int line;
    final int column;
    final boolean flow;
    final Style style;
    final String anchor;
    final SourceNode target;
    final List<Entry> entries;
    final Map<String, Member> members;
    final List<SourceNode> items;
    JsonNode value;
    /** How many aliases name this node's anchor. */
    int aliases;
    /** The enclosing mapping or sequence as written (null for a document's root). */
    SourceNode parent;

    private SourceNode(Kind kind, int start, int line, int column, boolean flow, Style style, String anchor,
                       SourceNode target) {
        this.kind = kind;
        this.start = start;
        this.line = line;
        this.column = column;
        this.flow = flow;
        this.style = style;
        this.anchor = anchor;
        this.target = target;
        this.entries = kind == Kind.MAPPING ? new ArrayList<>() : List.of();
        this.members = kind == Kind.MAPPING ? new LinkedHashMap<>() : Map.of();
        this.items = kind == Kind.SEQUENCE ? new ArrayList<>() : List.of();
    }

    static SourceNode scalar(int start, int end, int line, int column, Style style, String anchor, JsonNode value) {
        SourceNode node = new SourceNode(Kind.SCALAR, start, line, column, false, style, anchor, null);
        node.end = end;
        node.value = value;
        return node;
    }

    static SourceNode collection(Kind kind, int start, int line, int column, boolean flow, String anchor) {
        return new SourceNode(kind, start, line, column, flow, null, anchor, null);
    }

    static SourceNode alias(int start, int end, int line, int column, SourceNode target) {
        SourceNode node = new SourceNode(Kind.ALIAS, start, line, column, false, null, null, target);
        node.end = end;
        node.value = target.value;
        target.aliases++;
        return node;
    }

    /** The node this one stands for: the anchor's node for an alias, else itself. */
    SourceNode resolved() {
        return kind == Kind.ALIAS ? target : this;
    }

    /** A node that more than one place of the document means: an anchor that aliases name. */
    boolean shared() {
        return anchor != null && aliases > 0;
    }

    boolean isCollection() {
        return kind == Kind.MAPPING || kind == Kind.SEQUENCE;
    }

    boolean isEmptyCollection() {
        return kind == Kind.MAPPING ? entries.isEmpty() : kind == Kind.SEQUENCE && items.isEmpty();
    }

    /** Whether any node in this subtree carries an anchor or is an alias (or a merge key). */
    boolean hasAnchorsOrAliases() {
        boolean[] found = {false};
        visit(node -> found[0] |= node.anchor != null || node.kind == Kind.ALIAS);
        return found[0];
    }

    /** Calls {@code visitor} for this node and every node under it as written (keys too; not through aliases). */
    void visit(java.util.function.Consumer<SourceNode> visitor) {
        visitor.accept(this);
        for (Entry entry : entries) {
            entry.keyNode().visit(visitor);
            entry.value().visit(visitor);
        }
        for (SourceNode item : items) {
            item.visit(visitor);
        }
    }
}
