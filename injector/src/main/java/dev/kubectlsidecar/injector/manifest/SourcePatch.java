package dev.kubectlsidecar.injector.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the engine's changes to one document into edits of the text as written: keys and items that appear are
 * inserted (rendered in the file's layout, at the place the new tree puts them), those that go are cut out with
 * their lines, changed scalars are rewritten in their own quoting. Nothing else is touched, so an insertion and the
 * deletion of what it inserted are exact inverses: {@code uninject(inject(x)) == x}.
 * <p>
 * A node shared through an anchor is changed where it is defined when every place that means it changes alike;
 * where the places differ, each alias that would otherwise change meaning is written out in full at its place
 * (the anchor keeps its own value). A key merged in by {@code <<} that changes is overridden by an explicit key
 * after the merge; one that would have to disappear cannot be, and is refused naming the anchor.
 */
final class SourcePatch {
    /**
     * Replaces {@code start..end} with {@code text}. Insertions at the same place are made deepest first: what goes
     * into a nested collection ends before what follows that collection in its parent.
     */
    record Edit(int start, int end, String text, int depth) {
    }

    private final String source;
    private final String text;
    private final boolean json;
    private final NodeText render;
    private final String nl;
    private final int bom;
    private final List<Edit> edits = new ArrayList<>();
    private int document;
    private SourceNode root;
    /** Shared (anchored) nodes reached while walking, with the new value wanted at each place that changes. */
    private final Map<SourceNode, Map<SourceNode, JsonNode>> sharedChanges = new IdentityHashMap<>();
    private final List<SourceNode> sharedOrder = new ArrayList<>();

    SourcePatch(String source, String text, boolean json, SourceLayout layout) {
        this.source = source;
        this.text = text;
        this.json = json;
        this.render = new NodeText(layout);
        this.nl = layout.newline();
        this.bom = text.startsWith("\uFEFF") ? 1 : 0;
    }

    List<Edit> edits() {
        return edits;
    }

    /** Adds the edits that turn document {@code number}, whose root is {@code root}, into {@code result}. */
    void document(int number, SourceNode root, JsonNode result) {
        this.document = number;
        this.root = root;
        change(root, result, false);
        for (int i = 0; i < sharedOrder.size(); i++) {
            resolveShared(sharedOrder.get(i));
        }
        sharedChanges.clear();
        sharedOrder.clear();
    }

    private void change(SourceNode node, JsonNode wanted, boolean atDefinition) {
        if (node.value.equals(wanted)) {
            return;
        }
        if (node.kind == SourceNode.Kind.ALIAS) {
            share(node.target, node, wanted);
            return;
        }
        if (node.shared() && !atDefinition) {
            share(node, node, wanted);
            return;
        }
        if (node.kind == SourceNode.Kind.MAPPING && wanted instanceof ObjectNode object && !wanted.isEmpty()
                && !node.entries.isEmpty()) {
            mapping(node, object);
        } else if (node.kind == SourceNode.Kind.SEQUENCE && wanted instanceof ArrayNode array && !wanted.isEmpty()
                && !node.items.isEmpty()) {
            sequence(node, array);
        } else {
            replace(node, wanted);
        }
    }

    private void share(SourceNode anchored, SourceNode place, JsonNode wanted) {
        Map<SourceNode, JsonNode> places = sharedChanges.get(anchored);
        if (places == null) {
            places = new LinkedHashMap<>();
            sharedChanges.put(anchored, places);
            sharedOrder.add(anchored);
        }
        places.put(place, wanted);
    }

    /**
     * The definition takes the value wanted there (if it changes); every alias that would then mean something other
     * than what is wanted at its place is written out in full there.
     */
    private void resolveShared(SourceNode anchored) {
        Map<SourceNode, JsonNode> places = sharedChanges.get(anchored);
        JsonNode atDefinition = places.getOrDefault(anchored, anchored.value);
        for (SourceNode alias : aliasesOf(anchored)) {
            JsonNode wanted = places.getOrDefault(alias, anchored.value);
            if (!wanted.equals(atDefinition)) {
                if (inMergeKey(alias)) {
                    throw refuse(alias, "the mapping merged in with <<: *" + anchored.anchor + " (anchor &"
                            + anchored.anchor + " at line " + anchored.line + ") would have to change here but not"
                            + " where it is defined; write the keys out instead of merging them");
                }
                replace(alias, wanted);
            }
        }
        if (places.containsKey(anchored)) {
            change(anchored, atDefinition, true);
        }
    }

    private static boolean inMergeKey(SourceNode alias) {
        SourceNode parent = alias.parent;
        if (parent != null && parent.kind == SourceNode.Kind.SEQUENCE) {
            parent = parent.parent;
        }
        if (parent == null || parent.kind != SourceNode.Kind.MAPPING) {
            return false;
        }
        for (SourceNode.Entry entry : parent.entries) {
            if (entry.merge() && (entry.value() == alias || entry.value() == alias.parent)) {
                return true;
            }
        }
        return false;
    }

    private List<SourceNode> aliasesOf(SourceNode anchored) {
        List<SourceNode> found = new ArrayList<>();
        root.visit(node -> {
            if (node.kind == SourceNode.Kind.ALIAS && node.target == anchored) {
                found.add(node);
            }
        });
        return found;
    }

    // ---- mappings -----------------------------------------------------------------------------------------------

    private void mapping(SourceNode node, ObjectNode wanted) {
        int count = node.entries.size();
        boolean[] removed = new boolean[count];
        for (Map.Entry<String, SourceNode.Member> member : node.members.entrySet()) {
            if (!wanted.has(member.getKey())) {
                SourceNode.Member from = member.getValue();
                if (from.inherited()) {
                    throw refuse(from.mergedFrom().keyNode(), "the key \"" + member.getKey() + "\" comes from the"
                            + " mapping merged in here with <<" + mergedAnchor(from) + " and would have to be removed;"
                            + " write the keys out instead of merging them");
                }
                removed[from.entry()] = true;
            }
        }
        int surviving = 0;
        for (boolean gone : removed) {
            surviving += gone ? 0 : 1;
        }
        if (surviving == 0) {
            replace(node, wanted);
            return;
        }
        // What is inserted, by the surviving entry it follows (-1: before the first surviving entry).
        Map<Integer, List<Map.Entry<String, JsonNode>>> inserts = new LinkedHashMap<>();
        List<Map.Entry<String, JsonNode>> overrides = new ArrayList<>();
        int previous = -1;
        for (Map.Entry<String, JsonNode> property : wanted.properties()) {
            SourceNode.Member member = node.members.get(property.getKey());
            if (member == null) {
                inserts.computeIfAbsent(previous, k -> new ArrayList<>()).add(property);
            } else if (member.inherited()) {
                if (!member.value().value.equals(property.getValue())) {
                    overrides.add(property);
                }
            } else {
                previous = member.entry();
                change(member.value(), property.getValue(), false);
            }
        }
        int last = -1;
        int first = -1;
        for (int i = 0; i < count; i++) {
            if (!removed[i]) {
                last = i;
                first = first < 0 ? i : first;
            }
        }
        for (Map.Entry<Integer, List<Map.Entry<String, JsonNode>>> run : inserts.entrySet()) {
            if (run.getKey() < 0) {
                insertEntriesBefore(node, first, run.getValue());
            } else {
                insertEntriesAfter(node, run.getKey(), run.getValue());
            }
        }
        if (!overrides.isEmpty()) {
            insertEntriesAfter(node, last, overrides);
        }
        for (int i = 0; i < count; i++) {
            if (removed[i]) {
                int end = i;
                while (end + 1 < count && removed[end + 1]) {
                    end++;
                }
                removeEntries(node, i, end, removed);
                i = end;
            }
        }
    }

    private static String mergedAnchor(SourceNode.Member member) {
        SourceNode value = member.mergedFrom().value();
        return value.kind == SourceNode.Kind.ALIAS ? ": *" + value.target.anchor : "";
    }

    private void insertEntriesAfter(SourceNode node, int after, List<Map.Entry<String, JsonNode>> entries) {
        SourceNode.Entry previous = node.entries.get(after);
        StringBuilder out = new StringBuilder();
        if (node.flow) {
            String separator = flowSeparator(node.entries.stream().map(SourceNode.Entry::keyNode).toList(),
                    node.entries.stream().map(SourceNode.Entry::value).toList(), node);
            for (Map.Entry<String, JsonNode> entry : entries) {
                out.append(separator).append(flowEntry(entry, separator));
            }
            add(node, previous.value().end, previous.value().end, out.toString());
            return;
        }
        int column = column(previous.keyNode().start);
        insertLinesAfter(node, entryEnd(previous), entries.stream()
                .map(entry -> SourceLayout.spaces(column) + render.entry(entry.getKey(), entry.getValue(), column))
                .toList());
    }

    /**
     * Inserts whole lines after the line where {@code end} is; at the end of a text without a final line break, a
     * line break goes before them instead of after.
     */
    private void insertLinesAfter(SourceNode node, int end, List<String> lines) {
        int at = SourceLayout.nextLine(text, end);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (at < 0) {
                out.append(nl).append(line);
            } else {
                out.append(line).append(nl);
            }
        }
        if (at < 0) {
            keepLastBlockScalar();
        }
        add(node, at < 0 ? text.length() : at, at < 0 ? text.length() : at, out.toString());
    }

    private void insertEntriesBefore(SourceNode node, int before, List<Map.Entry<String, JsonNode>> entries) {
        SourceNode.Entry next = node.entries.get(before);
        StringBuilder out = new StringBuilder();
        if (node.flow) {
            String separator = flowSeparator(node.entries.stream().map(SourceNode.Entry::keyNode).toList(),
                    node.entries.stream().map(SourceNode.Entry::value).toList(), node);
            for (Map.Entry<String, JsonNode> entry : entries) {
                out.append(flowEntry(entry, separator)).append(separator);
            }
            add(node, next.keyNode().start, next.keyNode().start, out.toString());
            return;
        }
        int keyStart = next.keyNode().start;
        int column = column(keyStart);
        if (SourceLayout.leadsItsLine(text, keyStart)) {
            for (Map.Entry<String, JsonNode> entry : entries) {
                out.append(SourceLayout.spaces(column)).append(render.entry(entry.getKey(), entry.getValue(), column))
                        .append(nl);
            }
            int at = lineStart(keyStart);
            add(node, at, at, out.toString());
        } else {
            for (Map.Entry<String, JsonNode> entry : entries) {
                out.append(render.entry(entry.getKey(), entry.getValue(), column)).append(nl)
                        .append(SourceLayout.spaces(column));
            }
            add(node, keyStart, keyStart, out.toString());
        }
    }

    private void removeEntries(SourceNode node, int from, int to, boolean[] removed) {
        for (int i = from; i <= to; i++) {
            guardAnchors(node.entries.get(i).value());
        }
        int survivorBefore = survivor(removed, false, from - 1, -1);
        int survivorAfter = survivor(removed, false, to + 1, 1);
        if (node.flow) {
            if (survivorBefore >= 0) {
                add(node, node.entries.get(survivorBefore).value().end, node.entries.get(to).value().end, "");
            } else {
                add(node, node.entries.get(from).keyNode().start, node.entries.get(survivorAfter).keyNode().start, "");
            }
            return;
        }
        removeLines(node, node.entries.get(from).keyNode().start, entryEnd(node.entries.get(to)),
                survivorAfter < 0 ? -1 : node.entries.get(survivorAfter).keyNode().start);
    }

    /** Where an entry's text ends: its value's, or its key's when the value is empty (written as nothing). */
    private static int entryEnd(SourceNode.Entry entry) {
        SourceNode value = entry.value();
        return value.kind == SourceNode.Kind.SCALAR && value.start == value.end
                ? Math.max(entry.keyNode().end, entry.keyNode().start) : Math.max(value.end, entry.keyNode().end);
    }

    // ---- sequences ----------------------------------------------------------------------------------------------

    private void sequence(SourceNode node, ArrayNode wanted) {
        List<SourceNode> items = node.items;
        ArrayNode old = (ArrayNode) node.value;
        int[] match = align(old, wanted); // match[j] = old index kept as wanted j, or -1 for an inserted one
        boolean[] kept = new boolean[items.size()];
        for (int j = 0; j < match.length; j++) {
            if (match[j] >= 0) {
                kept[match[j]] = true;
            }
        }
        int surviving = 0;
        for (boolean k : kept) {
            surviving += k ? 1 : 0;
        }
        if (surviving == 0) {
            replace(node, wanted);
            return;
        }
        int previous = -1;
        List<JsonNode> run = new ArrayList<>();
        List<String> runText = new ArrayList<>();
        int firstKept = -1;
        for (int i = 0; i < kept.length && firstKept < 0; i++) {
            firstKept = kept[i] ? i : -1;
        }
        for (int j = 0; j < match.length; j++) {
            if (match[j] < 0) {
                run.add(wanted.get(j));
                runText.add(node.flow ? null : moved(node, kept, wanted.get(j)));
                continue;
            }
            if (!run.isEmpty()) {
                insertItems(node, previous, previous < 0 ? firstKept : -1, run, runText);
                run = new ArrayList<>();
                runText = new ArrayList<>();
            }
            previous = match[j];
            change(items.get(previous), wanted.get(j), false);
        }
        if (!run.isEmpty()) {
            insertItems(node, previous, -1, run, runText);
        }
        for (int i = 0; i < items.size(); i++) {
            if (!kept[i]) {
                int end = i;
                while (end + 1 < items.size() && !kept[end + 1]) {
                    end++;
                }
                removeItems(node, i, end, kept);
                i = end;
            }
        }
    }

    /**
     * Which old item each wanted item is (or -1): items are the same when they have the same {@code name} (or
     * kind and {@code metadata.name}), else when equal; in order (a longest common subsequence).
     */
    private static int[] align(ArrayNode old, ArrayNode wanted) {
        int n = old.size();
        int m = wanted.size();
        int[] match = new int[m];
        java.util.Arrays.fill(match, -1);
        int prefix = 0;
        while (prefix < n && prefix < m && same(old.get(prefix), wanted.get(prefix))) {
            match[prefix] = prefix;
            prefix++;
        }
        int suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix && same(old.get(n - 1 - suffix), wanted.get(m - 1 - suffix))) {
            match[m - 1 - suffix] = n - 1 - suffix;
            suffix++;
        }
        int rows = n - prefix - suffix;
        int cols = m - prefix - suffix;
        if (rows == 0 || cols == 0) {
            return match;
        }
        if ((long) rows * cols > 4_000_000L) {
            return match; // the middle is inserted and removed whole
        }
        // The most items kept; among as many, the most kept unchanged: a changed item is rewritten anyway, while
        // an unchanged one that had to move would be rendered anew rather than kept as written.
        int unchangedWeight = Math.min(rows, cols) + 1;
        int[][] lcs = new int[rows + 1][cols + 1];
        for (int i = rows - 1; i >= 0; i--) {
            for (int j = cols - 1; j >= 0; j--) {
                int skip = Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                lcs[i][j] = same(old.get(prefix + i), wanted.get(prefix + j))
                        ? Math.max(skip, lcs[i + 1][j + 1] + keepScore(old.get(prefix + i), wanted.get(prefix + j),
                                unchangedWeight))
                        : skip;
            }
        }
        int i = 0;
        int j = 0;
        while (i < rows && j < cols) {
            if (same(old.get(prefix + i), wanted.get(prefix + j)) && lcs[i][j] == lcs[i + 1][j + 1]
                    + keepScore(old.get(prefix + i), wanted.get(prefix + j), unchangedWeight)) {
                match[prefix + j] = prefix + i;
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return match;
    }

    private static int keepScore(JsonNode old, JsonNode wanted, int unchangedWeight) {
        return unchangedWeight + (old.equals(wanted) ? 1 : 0);
    }

    private static boolean same(JsonNode a, JsonNode b) {
        String identity = identity(a);
        return identity != null ? identity.equals(identity(b)) : a.equals(b);
    }

    private static String identity(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        JsonNode name = node.get("name");
        if (name != null && name.isString()) {
            return "name\u0000" + name.stringValue();
        }
        JsonNode metadataName = node.path("metadata").get("name");
        JsonNode kind = node.get("kind");
        if (metadataName != null && metadataName.isString() && kind != null && kind.isString()) {
            return kind.stringValue() + "\u0000" + metadataName.stringValue();
        }
        return null;
    }

    /**
     * The lines of an item that goes from one place in the sequence to another (a named item the alignment could
     * not keep in order), changed into {@code wanted} as a kept item would be: moved as written rather than
     * rendered anew, so moving it back gives the text back. Null when it is not such an item, or cannot be moved
     * as lines (it shares its line, or holds anchors or aliases).
     */
    private String moved(SourceNode node, boolean[] kept, JsonNode wanted) {
        String identity = identity(wanted);
        if (identity == null) {
            return null;
        }
        for (int i = 0; i < node.items.size(); i++) {
            SourceNode item = node.items.get(i);
            if (kept[i] || !identity.equals(identity(item.value)) || item.hasAnchorsOrAliases()) {
                continue;
            }
            int dash = dash(item);
            if (!SourceLayout.leadsItsLine(text, dash)) {
                return null;
            }
            int from = lineStart(dash);
            int next = SourceLayout.nextLine(text, itemEnd(item, dash));
            int to = next < 0 ? text.length() : next;
            int before = edits.size();
            change(item, wanted, false);
            List<Edit> inside = new ArrayList<>(edits.subList(before, edits.size()));
            edits.subList(before, edits.size()).clear();
            List<Edit> shifted = new ArrayList<>();
            for (Edit edit : inside) {
                if (edit.start() < from || edit.end() > to) {
                    return null;
                }
                shifted.add(new Edit(edit.start() - from, edit.end() - from, edit.text(), edit.depth()));
            }
            String lines = apply(text.substring(from, to), shifted);
            return lines.endsWith(nl) ? lines.substring(0, lines.length() - nl.length()) : lines;
        }
        return null;
    }

    /** Inserts {@code values} after item {@code after}, or (when it is -1) before item {@code before}. */
    private void insertItems(SourceNode node, int after, int before, List<JsonNode> values, List<String> moved) {
        StringBuilder out = new StringBuilder();
        if (node.flow) {
            String separator = flowSeparator(node.items, node.items, node);
            for (JsonNode value : values) {
                if (after >= 0) {
                    out.append(separator).append(flowValue(value, separator));
                } else {
                    out.append(flowValue(value, separator)).append(separator);
                }
            }
            int at = after >= 0 ? node.items.get(after).end : node.items.get(before).start;
            add(node, at, at, out.toString());
            return;
        }
        if (after >= 0) {
            int dash = dash(node.items.get(after));
            int column = column(dash);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                lines.add(moved.get(i) != null ? moved.get(i)
                        : SourceLayout.spaces(column) + render.item(values.get(i), column));
            }
            insertLinesAfter(node, itemEnd(node.items.get(after), dash), lines);
            return;
        }
        int dash = dash(node.items.get(before));
        int column = column(dash);
        if (SourceLayout.leadsItsLine(text, dash)) {
            for (int i = 0; i < values.size(); i++) {
                out.append(moved.get(i) != null ? moved.get(i)
                        : SourceLayout.spaces(column) + render.item(values.get(i), column)).append(nl);
            }
            int at = lineStart(dash);
            add(node, at, at, out.toString());
        } else {
            for (JsonNode value : values) {
                out.append(render.item(value, column)).append(nl).append(SourceLayout.spaces(column));
            }
            add(node, dash, dash, out.toString());
        }
    }

    private void removeItems(SourceNode node, int from, int to, boolean[] kept) {
        for (int i = from; i <= to; i++) {
            guardAnchors(node.items.get(i));
        }
        int survivorBefore = survivor(kept, true, from - 1, -1);
        int survivorAfter = survivor(kept, true, to + 1, 1);
        if (node.flow) {
            if (survivorBefore >= 0) {
                add(node, node.items.get(survivorBefore).end, node.items.get(to).end, "");
            } else {
                add(node, node.items.get(from).start, node.items.get(survivorAfter).start, "");
            }
            return;
        }
        SourceNode last = node.items.get(to);
        removeLines(node, dash(node.items.get(from)), itemEnd(last, dash(last)),
                survivorAfter < 0 ? -1 : dash(node.items.get(survivorAfter)));
    }

    /** The dash of a block sequence's item: back from the item over spaces (and line breaks). */
    private int dash(SourceNode item) {
        int at = item.start - 1;
        while (at >= 0 && text.charAt(at) != '-') {
            at--;
        }
        return Math.max(at, 0);
    }

    private static int itemEnd(SourceNode item, int dash) {
        return item.kind == SourceNode.Kind.SCALAR && item.start == item.end ? dash + 1 : item.end;
    }

    /**
     * Text inserted at the end of a file without a final line break puts one after what was last: a block scalar
     * there with clip chomping ({@code |}, {@code >}) would then mean one more line break. It gets strip chomping
     * ({@code |-}), which at the end of such a file means what it meant.
     */
    private void keepLastBlockScalar() {
        SourceNode last = root;
        while (last.isCollection() && !last.isEmptyCollection()) {
            last = last.kind == SourceNode.Kind.MAPPING ? last.entries.get(last.entries.size() - 1).value()
                    : last.items.get(last.items.size() - 1);
        }
        if (last.kind != SourceNode.Kind.SCALAR || last.end != text.length()
                || last.style != SourceNode.Style.LITERAL && last.style != SourceNode.Style.FOLDED) {
            return;
        }
        int indicator = last.start;
        while (indicator < last.end && text.charAt(indicator) != '|' && text.charAt(indicator) != '>') {
            indicator++;
        }
        int header = indicator + 1;
        while (header < last.end && (Character.isDigit(text.charAt(header)) || text.charAt(header) == '-'
                || text.charAt(header) == '+')) {
            if (text.charAt(header) == '-' || text.charAt(header) == '+') {
                return;
            }
            header++;
        }
        int chomp = indicator + 1;
        if (edits.stream().noneMatch(edit -> edit.start() == chomp && edit.text().equals("-"))) {
            add(last, chomp, chomp, "-");
        }
    }

    /** The first index from {@code from} in direction {@code step} whose flag is {@code survives}, or -1. */
    private static int survivor(boolean[] flags, boolean survives, int from, int step) {
        for (int i = from; i >= 0 && i < flags.length; i += step) {
            if (flags[i] == survives) {
                return i;
            }
        }
        return -1;
    }

    // ---- shared by mappings and sequences -------------------------------------------------------------------------

    /**
     * Cuts out entries or items from {@code start} (a key or a dash) to the end of the line where {@code end} is: whole
     * lines when {@code start} leads its line, else (after a dash, "- key: v") up to {@code next}, the following
     * survivor, which then takes their place. A cut of the last lines of a text without a final line break takes
     * the line break before them instead (see {@link #apply}), as inserting there adds one before.
     */
    private void removeLines(SourceNode node, int start, int end, int next) {
        if (!SourceLayout.leadsItsLine(text, start)) {
            add(node, start, next, "");
            return;
        }
        int to = SourceLayout.nextLine(text, end);
        add(node, lineStart(start), to < 0 ? text.length() : to, "");
    }

    /** The text between entries or items of a flow collection, as the file writes it. */
    private String flowSeparator(List<SourceNode> starts, List<SourceNode> ends, SourceNode collection) {
        if (starts.size() >= 2) {
            String between = text.substring(ends.get(0).end, starts.get(1).start);
            if (between.strip().equals(",")) {
                return between;
            }
        }
        SourceNode first = starts.get(0);
        if (first.line > collection.line) {
            return "," + nl + SourceLayout.spaces(column(first.start));
        }
        return json && !text.substring(collection.start, first.start).contains(" ") ? "," : ", ";
    }

    private String flowEntry(Map.Entry<String, JsonNode> entry, String separator) {
        if (json) {
            return NodeText.doubleQuoted(entry.getKey()) + (separator.equals(",") ? ":" : ": ")
                    + flowValue(entry.getValue(), separator);
        }
        return NodeText.scalar(entry.getKey(), true) + ": " + flowValue(entry.getValue(), separator);
    }

    private String flowValue(JsonNode value, String separator) {
        if (!json) {
            return render.flow(value);
        }
        if (!separator.contains("\n")) {
            StringBuilder out = new StringBuilder();
            NodeText.compactJson(value, out);
            return out.toString();
        }
        return render.json(value, separator.length() - separator.indexOf('\n') - 1);
    }

    /**
     * Writes {@code wanted} in place of {@code node} (a scalar keeps its quoting where it can). The definition of a
     * shared anchor keeps its anchor, for the aliases that still mean what it will.
     */
    private void replace(SourceNode node, JsonNode wanted) {
        SourceNode parent = node.parent;
        boolean keepAnchor = node.shared();
        String anchor = keepAnchor ? "&" + node.anchor + " " : "";
        if (keepAnchor) {
            for (SourceNode.Entry entry : node.entries) {
                guardAnchors(entry.value());
            }
            node.items.forEach(this::guardAnchors);
        } else {
            guardAnchors(node);
        }
        boolean inFlow = json || node.flow || parent != null && parent.flow;
        if (inFlow) {
            String value = json ? render.json(wanted, indentationOf(node.start)) : render.flow(wanted);
            if (json && wanted.isContainer() && !wanted.isEmpty() && !multiLine(parent)) {
                StringBuilder out = new StringBuilder();
                NodeText.compactJson(wanted, out);
                value = out.toString();
            }
            add(node, node.start, node.end, anchor + value);
            return;
        }
        if (node.kind == SourceNode.Kind.SCALAR && !wanted.isContainer() && node.start < node.end
                && node.style != SourceNode.Style.LITERAL && node.style != SourceNode.Style.FOLDED
                && !(wanted.isString() && NodeText.literal(wanted.stringValue()))) {
            add(node, node.start, node.end, anchor + scalarLike(node, wanted));
            return;
        }
        if (keepAnchor && (parent == null || parent.kind != SourceNode.Kind.MAPPING)) {
            throw refuse(node, "the anchor &" + node.anchor + " stands on a value injection rewrites whole; write"
                    + " it out where it is used");
        }
        if (parent == null) {
            StringBuilder out = new StringBuilder();
            if (wanted.isObject() && !wanted.isEmpty()) {
                render.entries(wanted, 0, true, out);
            } else {
                out.append(render.flow(wanted));
            }
            add(node, node.start, node.end, out.toString());
            return;
        }
        if (parent.kind == SourceNode.Kind.MAPPING) {
            SourceNode.Entry entry = entryOf(parent, node);
            int keyColumn = column(entry.keyNode().start);
            int slot = colonAfter(entry.keyNode().end) + 1;
            int end = node.kind == SourceNode.Kind.SCALAR && node.start == node.end ? slot : node.end;
            add(node, slot, Math.max(slot, end), keepAnchor ? " &" + node.anchor + render.afterKey(wanted, keyColumn)
                    : render.afterKey(wanted, keyColumn));
        } else {
            int dash = dash(node);
            int end = node.kind == SourceNode.Kind.SCALAR && node.start == node.end ? dash + 1 : node.end;
            add(node, dash + 1, end, render.item(wanted, column(dash)).substring(1));
        }
    }

    private boolean multiLine(SourceNode collection) {
        return collection != null && text.substring(collection.start, collection.end).contains("\n");
    }

    /** A scalar in the quoting the old one used, when that quoting can hold it. */
    private static String scalarLike(SourceNode node, JsonNode wanted) {
        if (!wanted.isString()) {
            return NodeText.scalarText(wanted);
        }
        String value = wanted.stringValue();
        return switch (node.style) {
            case DOUBLE_QUOTED -> NodeText.doubleQuoted(value);
            case SINGLE_QUOTED -> value.chars().allMatch(c -> c >= ' ' && c != 0x7f)
                    ? "'" + value.replace("'", "''") + "'" : NodeText.doubleQuoted(value);
            default -> NodeText.scalar(value, false);
        };
    }

    private static SourceNode.Entry entryOf(SourceNode mapping, SourceNode value) {
        for (SourceNode.Entry entry : mapping.entries) {
            if (entry.value() == value) {
                return entry;
            }
        }
        throw new IllegalStateException("not a value of this mapping");
    }

    private int colonAfter(int keyEnd) {
        int at = keyEnd;
        while (at < text.length() && text.charAt(at) != ':') {
            at++;
        }
        return at;
    }

    /**
     * A node about to be cut out or rewritten must not hold an anchor that an alias elsewhere still names: that
     * alias would then name nothing.
     */
    private void guardAnchors(SourceNode removed) {
        Map<SourceNode, Integer> inside = new IdentityHashMap<>();
        List<SourceNode> anchors = new ArrayList<>();
        removed.visit(node -> {
            if (node.kind == SourceNode.Kind.ALIAS) {
                inside.merge(node.target, 1, Integer::sum);
            } else if (node.shared()) {
                anchors.add(node);
            }
        });
        for (SourceNode anchored : anchors) {
            if (anchored.aliases > inside.getOrDefault(anchored, 0)) {
                throw refuse(anchored, "the anchor &" + anchored.anchor + " is defined in what injection changes here,"
                        + " and aliases elsewhere (*" + anchored.anchor + ") name it; define the anchor outside it");
            }
        }
    }

    private ManifestException refuse(SourceNode at, String problem) {
        return new ManifestException(source, document, at.line, "cannot inject without changing what an anchor"
                + " means elsewhere: " + problem);
    }

    private void add(SourceNode into, int start, int end, String replacement) {
        int depth = 0;
        for (SourceNode at = into; at != null; at = at.parent) {
            depth++;
        }
        edits.add(new Edit(start, end, replacement, depth));
    }

    private int lineStart(int offset) {
        return SourceLayout.lineStart(text, offset);
    }

    /** The column of {@code offset} in characters, a byte-order mark not counted. */
    private int column(int offset) {
        int start = lineStart(offset);
        return offset - start - (start == 0 ? bom : 0);
    }

    private int indentationOf(int offset) {
        int at = lineStart(offset);
        int spaces = 0;
        while (at + spaces < text.length() && text.charAt(at + spaces) == ' ') {
            spaces++;
        }
        return spaces;
    }

    /**
     * {@code text} with the edits made. Cuts that meet or overlap (nested collections ending on one line) are made
     * as one; a cut to the end of a text without a final line break starts at the line break before it, so none is
     * left there. Other edits must not overlap (an insertion may stand where a cut starts).
     */
    static String apply(String text, List<Edit> edits) {
        if (edits.isEmpty()) {
            return text;
        }
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end)
                .thenComparing(Comparator.comparingInt(Edit::depth).reversed()));
        List<Edit> merged = new ArrayList<>();
        for (Edit edit : sorted) {
            Edit last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && cut(last) && cut(edit) && edit.start() <= last.end()) {
                merged.set(merged.size() - 1, new Edit(last.start(), Math.max(last.end(), edit.end()), "", last.depth()));
            } else {
                merged.add(edit);
            }
        }
        // Insertions at the very end (each starting with a line break) leave the cut before them the last cut.
        int tail = merged.size() - 1;
        while (tail > 0 && merged.get(tail).start() == text.length() && merged.get(tail).end() == text.length()) {
            tail--;
        }
        Edit last = merged.get(tail);
        if (cut(last) && last.end() == text.length() && !text.endsWith("\n") && last.start() > 0
                && text.charAt(last.start() - 1) == '\n') {
            int start = last.start() - (last.start() > 1 && text.charAt(last.start() - 2) == '\r' ? 2 : 1);
            Edit before = tail > 0 ? merged.get(tail - 1) : null;
            if (before == null || before.end() <= start && before.start() < start) {
                merged.set(tail, new Edit(start, last.end(), "", last.depth()));
            } else if (before.start() == last.start() && before.end() == before.start()) {
                // Lines inserted where the cut begins are the file's last now: without the line break they end with
                merged.set(tail - 1, new Edit(before.start(), before.end(),
                        withoutFinalLineBreak(before.text()), before.depth()));
            }
        }
        StringBuilder out = new StringBuilder(text.length() + 256);
        int at = 0;
        for (Edit edit : merged) {
            if (edit.start() < at) {
                throw new IllegalStateException("overlapping edits at " + edit.start());
            }
            out.append(text, at, edit.start()).append(edit.text());
            at = edit.end();
        }
        return out.append(text, at, text.length()).toString();
    }

    private static String withoutFinalLineBreak(String inserted) {
        if (inserted.endsWith("\r\n")) {
            return inserted.substring(0, inserted.length() - 2);
        }
        return inserted.endsWith("\n") ? inserted.substring(0, inserted.length() - 1) : inserted;
    }

    private static boolean cut(Edit edit) {
        return edit.text().isEmpty() && edit.end() > edit.start();
    }
}
