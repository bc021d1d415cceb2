package dev.kubectlsidecar.injector.manifest;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads multi-document YAML from SnakeYAML Engine's events into {@link SourceNode}s that know where each node is
 * written, and the JSON each means. Meaning as kubectl's YAML library gives it: aliases are resolved and {@code <<}
 * merge keys honoured (go-yaml v2: a merge sets the keys of its mapping(s), earlier mappings of a merged sequence
 * winning; keys written after it override). Scalars are typed as the rest of the engine types them (the JSON
 * schema Jackson's YAML parser uses).
 */
final class YamlSource {
    /** Deeper nesting than this is refused, so nothing recursive over a tree can overflow its stack. */
    static final int MAX_DEPTH = 1000;
    /** An alias bomb ("billion laughs") is refused: what aliases expand to may be at most this many nodes more. */
    static final long MAX_ALIAS_EXPANSION = 1_000_000;

    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setCodePointLimit(Integer.MAX_VALUE) // limits on input size are the reader's caller's (bytes read)
            .build();
    private static final ScalarResolver RESOLVER = SETTINGS.getSchema().getScalarResolver();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document as read: its number, its first line, its root (null for an empty document). */
    record Read(int number, int line, SourceNode root) {
    }

    private final String source;
    private final String text;
    private final CodePoints offsets;
    private int document;

    private YamlSource(String source, String text) {
        this.source = source;
        this.text = text;
        this.offsets = new CodePoints(text);
    }

    static List<Read> read(String source, String text) {
        return new YamlSource(source, text).documents();
    }

    private List<Read> documents() {
        List<Read> documents = new ArrayList<>();
        ParserImpl parser = new ParserImpl(SETTINGS, new StreamReader(SETTINGS, text));
        try {
            while (parser.hasNext()) {
                Event event = parser.next();
                if (event.getEventId() == Event.ID.DocumentStart) {
                    document++;
                    SourceNode root = document(parser);
                    documents.add(new Read(document, root == null ? 0 : root.line, root));
                }
            }
        } catch (MarkedYamlEngineException e) {
            throw new ManifestException(source, Math.max(document, 1), line(e), "invalid YAML: " + describe(e));
        } catch (YamlEngineException e) {
            throw new ManifestException(source, Math.max(document, 1), null, "invalid YAML: " + e.getMessage());
        }
        return documents;
    }

    /** The document's root, or null when it is empty; the parser is left after its end. */
    private SourceNode document(ParserImpl parser) {
        Map<String, SourceNode> anchors = new HashMap<>();
        Deque<Builder> open = new ArrayDeque<>();
        SourceNode root = null;
        long expansion = 0;
        while (true) {
            Event event = parser.next();
            SourceNode done = null;
            switch (event.getEventId()) {
                case DocumentEnd -> {
                    return root == null || root.value.isNull() ? null : root;
                }
                case Scalar -> done = scalar((ScalarEvent) event);
                case Alias -> {
                    AliasEvent alias = (AliasEvent) event;
                    String name = alias.getAnchor().map(Anchor::getValue).orElse("");
                    SourceNode target = anchors.get(name);
                    if (target == null) {
                        throw new ManifestException(source, document, line(event),
                                "invalid YAML: alias *" + name + " names no anchor defined before it in this document"
                                        + " (anchors are per document; an alias cannot refer to the node it is in)");
                    }
                    expansion += size(target.value);
                    if (expansion > MAX_ALIAS_EXPANSION) {
                        throw new ManifestException(source, document, line(event), "invalid YAML: aliases expand to"
                                + " more than " + MAX_ALIAS_EXPANSION + " nodes (an alias bomb?)");
                    }
                    done = SourceNode.alias(offset(event.getStartMark()), offset(event.getEndMark()), line(event),
                            column(event), target);
                }
                case MappingStart, SequenceStart -> {
                    if (open.size() >= MAX_DEPTH) {
                        throw new ManifestException(source, document, line(event),
                                "invalid YAML: nested deeper than " + MAX_DEPTH + " levels");
                    }
                    CollectionStartEvent start = (CollectionStartEvent) event;
                    SourceNode.Kind kind = event.getEventId() == Event.ID.MappingStart
                            ? SourceNode.Kind.MAPPING : SourceNode.Kind.SEQUENCE;
                    open.push(new Builder(SourceNode.collection(kind, offset(event.getStartMark()), line(event),
                            column(event), start.isFlow(), anchor(start))));
                }
                case MappingEnd, SequenceEnd -> {
                    Builder builder = open.pop();
                    done = builder.node;
                    done.end = done.flow ? offset(event.getEndMark()) : contentEnd(builder);
                    done.value = builder.value(this);
                }
                default -> throw new ManifestException(source, document, line(event),
                        "invalid YAML: unexpected " + event.getEventId());
            }
            if (done == null) {
                continue;
            }
            if (done.anchor != null) {
                anchors.put(done.anchor, done);
            }
            if (open.isEmpty()) {
                root = done;
            } else {
                open.peek().add(done, this);
            }
        }
    }

    /** Where a block collection's content ends: after its last child (block collections' end events come late). */
    private static int contentEnd(Builder builder) {
        SourceNode node = builder.node;
        SourceNode last = null;
        if (node.kind == SourceNode.Kind.MAPPING && !node.entries.isEmpty()) {
            last = node.entries.get(node.entries.size() - 1).value();
        } else if (node.kind == SourceNode.Kind.SEQUENCE && !node.items.isEmpty()) {
            last = node.items.get(node.items.size() - 1);
        }
        return last == null ? node.start : last.end;
    }

    private SourceNode scalar(ScalarEvent event) {
        int start = offset(event.getStartMark());
        int end = offset(event.getEndMark());
        SourceNode.Style style = switch (event.getScalarStyle()) {
            case SINGLE_QUOTED -> SourceNode.Style.SINGLE_QUOTED;
            case DOUBLE_QUOTED, JSON_SCALAR_STYLE -> SourceNode.Style.DOUBLE_QUOTED;
            case LITERAL -> SourceNode.Style.LITERAL;
            case FOLDED -> SourceNode.Style.FOLDED;
            default -> SourceNode.Style.PLAIN;
        };
        if (style == SourceNode.Style.LITERAL || style == SourceNode.Style.FOLDED) {
            end = trimBlockScalarEnd(start, end);
        }
        return SourceNode.scalar(start, end, line(event), column(event), style, anchor(event), value(event));
    }

    /** A block scalar's end event comes after its trailing line breaks; its content ends at its last character. */
    private int trimBlockScalarEnd(int start, int end) {
        int at = end;
        while (at > start && Character.isWhitespace(text.charAt(at - 1))) {
            at--;
        }
        return at;
    }

    private JsonNode value(ScalarEvent event) {
        String value = event.getValue();
        Optional<String> tag = event.getTag();
        if (tag.isEmpty() || tag.get().equals("!")) {
            if (event.getScalarStyle() != ScalarStyle.PLAIN) {
                return NODES.stringNode(value);
            }
            Tag resolved = RESOLVER.resolve(value, event.getImplicit().canOmitTagInPlainScalar());
            if (resolved == Tag.NULL) {
                return NODES.nullNode();
            }
            if (resolved == Tag.BOOL) {
                return NODES.booleanNode(value.equals("true"));
            }
            if (resolved == Tag.INT) {
                return integer(value, 10);
            }
            if (resolved == Tag.FLOAT) {
                return floating(value);
            }
            return NODES.stringNode(value);
        }
        String name = tag.get().startsWith(Tag.PREFIX) ? tag.get().substring(Tag.PREFIX.length()) : tag.get();
        try {
            return switch (name) {
                case "binary" -> NODES.binaryNode(Base64.getMimeDecoder().decode(value.trim()));
                case "bool" -> value.equalsIgnoreCase("true") ? NODES.booleanNode(true)
                        : value.equalsIgnoreCase("false") ? NODES.booleanNode(false) : NODES.stringNode(value);
                case "int" -> value.isEmpty() ? NODES.stringNode(value) : explicitInteger(value);
                case "float" -> value.isEmpty() ? NODES.stringNode(value) : floating(value);
                case "null" -> NODES.nullNode();
                default -> NODES.stringNode(value);
            };
        } catch (IllegalArgumentException e) {
            throw new ManifestException(source, document, line(event),
                    "invalid YAML: " + tag.get() + " " + quote(value) + " is not a valid " + name);
        }
    }

    private static JsonNode explicitInteger(String value) {
        String digits = value.replace("_", "");
        boolean negative = digits.startsWith("-");
        String unsigned = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
        int radix = 10;
        if (unsigned.startsWith("0x") || unsigned.startsWith("0X")) {
            radix = 16;
            unsigned = unsigned.substring(2);
        } else if (unsigned.startsWith("0b") || unsigned.startsWith("0B")) {
            radix = 2;
            unsigned = unsigned.substring(2);
        } else if (unsigned.length() > 1 && unsigned.startsWith("0")) {
            radix = 8;
            unsigned = unsigned.substring(1);
        }
        return integer((negative ? "-" : "") + unsigned, radix);
    }

    private static JsonNode integer(String digits, int radix) {
        BigInteger value = new BigInteger(digits, radix);
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        if (value.bitLength() < 64) {
            return NODES.numberNode(value.longValue());
        }
        return NODES.numberNode(value);
    }

    private static JsonNode floating(String value) {
        return switch (value) {
            case ".inf", "+.inf", ".Inf", ".INF" -> NODES.numberNode(Double.POSITIVE_INFINITY);
            case "-.inf", "-.Inf", "-.INF" -> NODES.numberNode(Double.NEGATIVE_INFINITY);
            case ".nan", ".NaN", ".NAN" -> NODES.numberNode(Double.NaN);
            default -> NODES.numberNode(Double.parseDouble(value.replace("_", "")));
        };
    }

    private static String anchor(NodeEvent event) {
        return event.getAnchor().map(Anchor::getValue).orElse(null);
    }

    private static long size(JsonNode value) {
        if (!value.isContainer()) {
            return 1;
        }
        long size = 1;
        for (JsonNode child : value) {
            size += size(child);
        }
        return size;
    }

    /** A mapping or sequence being read: its node and the JSON it will mean. */
    private static final class Builder {
        final SourceNode node;
        private SourceNode pendingKey;
        private final Map<String, Integer> written = new HashMap<>();

        Builder(SourceNode node) {
            this.node = node;
        }

        void add(SourceNode child, YamlSource reader) {
            child.parent = node;
            if (node.kind == SourceNode.Kind.SEQUENCE) {
                node.items.add(child);
                return;
            }
            if (pendingKey == null) {
                pendingKey = child;
                return;
            }
            SourceNode key = pendingKey;
            pendingKey = null;
            if (key.kind != SourceNode.Kind.SCALAR && key.kind != SourceNode.Kind.ALIAS
                    || key.resolved().kind != SourceNode.Kind.SCALAR) {
                throw new ManifestException(reader.source, reader.document, key.line,
                        "invalid YAML: a mapping key must be a scalar (text), not a "
                                + key.resolved().kind.name().toLowerCase(java.util.Locale.ROOT));
            }
            boolean merge = key.kind == SourceNode.Kind.SCALAR && key.style == SourceNode.Style.PLAIN
                    && "<<".equals(key.value.asString(null));
            String name = merge ? "<<" : keyText(key.resolved().value);
            if (!merge) {
                Integer previous = written.put(name, key.line);
                if (previous != null) {
                    throw new ManifestException(reader.source, reader.document, key.line, "invalid YAML: duplicate key "
                            + quote(name) + " (first at line " + previous + ")");
                }
            }
            node.entries.add(new SourceNode.Entry(name, key, child, merge));
        }

        JsonNode value(YamlSource reader) {
            if (node.kind == SourceNode.Kind.SEQUENCE) {
                ArrayNode array = NODES.arrayNode(node.items.size());
                node.items.forEach(item -> array.add(item.value));
                return array;
            }
            ObjectNode object = NODES.objectNode();
            for (int i = 0; i < node.entries.size(); i++) {
                SourceNode.Entry entry = node.entries.get(i);
                if (entry.merge()) {
                    merge(entry, object, reader);
                } else {
                    object.set(entry.key(), entry.value().value);
                    node.members.put(entry.key(), new SourceNode.Member(entry.value(), i, null));
                }
            }
            return object;
        }

        private void merge(SourceNode.Entry entry, ObjectNode object, YamlSource reader) {
            SourceNode from = entry.value().resolved();
            List<SourceNode> mappings = new ArrayList<>();
            if (from.kind == SourceNode.Kind.SEQUENCE) {
                for (int i = from.items.size() - 1; i >= 0; i--) {
                    mappings.add(from.items.get(i).resolved());
                }
            } else {
                mappings.add(from);
            }
            for (SourceNode mapping : mappings) {
                if (mapping.kind != SourceNode.Kind.MAPPING) {
                    throw new ManifestException(reader.source, reader.document, entry.keyNode().line,
                            "invalid YAML: the merge key << needs a mapping, an alias of one, or a list of them");
                }
                for (Map.Entry<String, SourceNode.Member> member : mapping.members.entrySet()) {
                    object.set(member.getKey(), member.getValue().value().value);
                    node.members.put(member.getKey(), new SourceNode.Member(member.getValue().value(), -1, entry));
                }
            }
        }
    }

    private static String keyText(JsonNode key) {
        return key.isNull() ? "null" : key.isString() ? key.stringValue() : key.asString();
    }

    static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private int offset(Optional<Mark> mark) {
        return mark.map(m -> offsets.charIndex(m.getIndex())).orElse(0);
    }

    private static int line(Event event) {
        return event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private static int column(Event event) {
        return event.getStartMark().map(Mark::getColumn).orElse(0);
    }

    private static Integer line(MarkedYamlEngineException e) {
        return e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(null);
    }

    /**
     * The parser's problem in one line, with where: "expected ',' or ']', but got ':' at line 5, column 4 (in the
     * flow sequence started at line 4, column 11)".
     */
    static String describe(MarkedYamlEngineException e) {
        StringBuilder out = new StringBuilder(oneLine(e.getProblem() == null ? "malformed" : e.getProblem()));
        e.getProblemMark().ifPresent(m -> out.append(" at line ").append(m.getLine() + 1).append(", column ")
                .append(m.getColumn() + 1));
        if (e.getContext() != null && !e.getContext().isBlank()) {
            String context = oneLine(e.getContext()).replaceFirst("^while (parsing|scanning) ", "");
            out.append(" (in ").append(context);
            e.getContextMark().ifPresent(m -> out.append(" started at line ").append(m.getLine() + 1)
                    .append(", column ").append(m.getColumn() + 1));
            out.append(')');
        }
        return out.toString();
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    /** SnakeYAML Engine counts code points; Java strings, UTF-16 chars. Identity unless the text has surrogates. */
    private static final class CodePoints {
        private final int[] charIndex;

        CodePoints(String text) {
            int codePoints = text.codePointCount(0, text.length());
            if (codePoints == text.length()) {
                charIndex = null;
                return;
            }
            charIndex = new int[codePoints + 1];
            int at = 0;
            for (int i = 0; i < codePoints; i++) {
                charIndex[i] = at;
                at += Character.charCount(text.codePointAt(at));
            }
            charIndex[codePoints] = at;
        }

        int charIndex(int codePoint) {
            return charIndex == null ? codePoint : charIndex[Math.min(codePoint, charIndex.length - 1)];
        }
    }
}
