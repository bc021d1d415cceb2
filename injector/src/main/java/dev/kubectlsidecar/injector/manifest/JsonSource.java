package dev.kubectlsidecar.injector.manifest;

import dev.kubectlsidecar.injector.json.JsonText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads JSON (one or more values one after the other) into {@link SourceNode}s that know where each value is
 * written, through Jackson's streaming parser (duplicate keys are an error, as kubectl makes them).
 */
final class JsonSource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonSource() {
    }

    static List<YamlSource.Read> read(String source, String text) {
        List<YamlSource.Read> documents = new ArrayList<>();
        int number = 0;
        try (JsonParser parser = JsonText.parser(text, false)) {
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JacksonException e) {
                    throw fail(source, number + 1, e);
                }
                if (token == null) {
                    break;
                }
                number++;
                try {
                    SourceNode root = value(parser, text);
                    documents.add(new YamlSource.Read(number, root.line, root.value.isNull() ? null : root));
                } catch (JacksonException e) {
                    throw fail(source, number, e);
                }
            }
        } catch (JacksonException e) {
            throw fail(source, number, e);
        }
        return documents;
    }

    /** The value starting at the parser's current token, read without recursion; the parser is left on its end. */
    private static SourceNode value(JsonParser parser, String text) {
        Deque<SourceNode> open = new ArrayDeque<>();
        Deque<SourceNode> names = new ArrayDeque<>();
        while (true) {
            JsonToken token = parser.currentToken();
            TokenStreamLocation at = parser.currentTokenLocation();
            int start = (int) at.getCharOffset();
            SourceNode done = null;
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (open.size() >= YamlSource.MAX_DEPTH) {
                        throw new ManifestException("", null, at.getLineNr(), "nested deeper than " + YamlSource.MAX_DEPTH);
                    }
                    SourceNode node = SourceNode.collection(token == JsonToken.START_OBJECT ? SourceNode.Kind.MAPPING
                            : SourceNode.Kind.SEQUENCE, start, at.getLineNr(), at.getColumnNr() - 1, true, null);
                    node.value = token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
                    open.push(node);
                }
                case END_OBJECT, END_ARRAY -> {
                    done = open.pop();
                    done.end = start + 1;
                }
                case PROPERTY_NAME -> names.push(SourceNode.scalar(start, scalarEnd(text, start, JsonToken.VALUE_STRING),
                        at.getLineNr(), at.getColumnNr() - 1, SourceNode.Style.DOUBLE_QUOTED, null,
                        NODES.stringNode(parser.currentName())));
                default -> {
                    int end = scalarEnd(text, start, token);
                    done = SourceNode.scalar(start, end, at.getLineNr(), at.getColumnNr() - 1,
                            token == JsonToken.VALUE_STRING ? SourceNode.Style.DOUBLE_QUOTED : SourceNode.Style.PLAIN,
                            null, JsonText.read(parser));
                }
            }
            if (done != null) {
                if (open.isEmpty()) {
                    return done;
                }
                SourceNode parent = open.peek();
                done.parent = parent;
                if (parent.kind == SourceNode.Kind.MAPPING) {
                    SourceNode key = names.pop();
                    String name = key.value.stringValue();
                    int index = parent.entries.size();
                    parent.entries.add(new SourceNode.Entry(name, key, done, false));
                    parent.members.put(name, new SourceNode.Member(done, index, null));
                    ((ObjectNode) parent.value).set(name, done.value);
                } else {
                    parent.items.add(done);
                    ((ArrayNode) parent.value).add(done.value);
                }
            }
            parser.nextToken();
        }
    }

    private static int scalarEnd(String text, int start, JsonToken token) {
        int at = start;
        if (token == JsonToken.VALUE_STRING) {
            at++;
            while (at < text.length() && text.charAt(at) != '"') {
                at += text.charAt(at) == '\\' ? 2 : 1;
            }
            return Math.min(at + 1, text.length());
        }
        while (at < text.length() && "+-.0123456789eEtruefalsn".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        return at;
    }

    private static ManifestException fail(String source, int document, JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        String problem = e.getOriginalMessage().strip().replaceAll("\\s*\\n\\s*", " ");
        StringBuilder where = new StringBuilder();
        if (location != null && location.getLineNr() > 0) {
            where.append(" at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
        }
        return new ManifestException(source, document, location == null ? null : location.getLineNr(),
                "invalid JSON: " + problem + where);
    }
}
