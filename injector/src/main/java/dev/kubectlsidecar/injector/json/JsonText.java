package dev.kubectlsidecar.injector.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.SegmentedStringWriter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * JSON trees to and from JSON and YAML text, through Jackson's streaming parsers and generators. The engine and the
 * offline commands use this rather than an {@code ObjectMapper}: the first mapper a JVM builds costs ~50 ms (its
 * static defaults load calendar, locale and time-zone data; its first reads and writes look up serializers), which
 * is a quarter of a cold {@code inject}. The trees are the usual {@link JsonNode}s, the numbers typed as a mapper
 * types them, and {@link JsonMappers} are built on the same factories, so both write the same text.
 */
public final class JsonText {
    /** Duplicate keys are an error, as kubectl makes them. */
    static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static final YAMLFactory YAML_FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            // "1" must stay a string (container args, quantities); multi-line text (scripts) reads best as a block.
            .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLWriteFeature.LITERAL_BLOCK_STYLE)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonText() {
    }

    /** A parser of JSON (one or more values) or of YAML (one or more documents). */
    public static JsonParser parser(String text, boolean yaml) {
        return (yaml ? YAML_FACTORY : JSON_FACTORY).createParser(ObjectReadContext.empty(), text);
    }

    /** The one JSON value of {@code text}; {@link MissingNode} when there is none. */
    public static JsonNode readJson(String text) {
        return readOne(parser(text, false));
    }

    /** The one YAML document of {@code text}; {@link MissingNode} when there is none. */
    public static JsonNode readYaml(String text) {
        return readOne(parser(text, true));
    }

    private static JsonNode readOne(JsonParser parser) {
        try (parser) {
            if (parser.nextToken() == null) {
                return MissingNode.getInstance();
            }
            JsonNode value = read(parser);
            if (parser.nextToken() != null) {
                throw new StreamReadException(parser, "trailing content after the value");
            }
            return value;
        }
    }

    /**
     * The value that starts at the parser's current token; the parser is left on its last token. Depth is bounded
     * by the parser's own nesting limit.
     */
    public static JsonNode read(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new StreamReadException(parser, "no value: the parser has not been advanced to one");
        }
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, read(parser));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(parser));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.stringNode(parser.getString());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return switch (parser.getNumberType()) {
                    case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
                    case FLOAT -> NODES.numberNode(parser.getFloatValue());
                    default -> NODES.numberNode(parser.getDoubleValue());
                };
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            case VALUE_EMBEDDED_OBJECT -> { // YAML's !!binary
                Object embedded = parser.getEmbeddedObject();
                if (embedded == null) {
                    return NODES.nullNode();
                }
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            }
            default -> throw new StreamReadException(parser, "unexpected " + token);
        }
    }

    public static String writeJson(JsonNode node) {
        return write(JSON_FACTORY, ObjectWriteContext.empty(), node);
    }

    public static byte[] writeJsonBytes(JsonNode node) {
        ByteArrayBuilder bytes = new ByteArrayBuilder();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(ObjectWriteContext.empty(), bytes)) {
            write(generator, node);
        }
        return bytes.toByteArray();
    }

    /** One YAML document, without a {@code ---} marker. */
    public static String writeYaml(JsonNode node) {
        return write(YAML_FACTORY, ObjectWriteContext.empty(), node);
    }

    private static String write(TokenStreamFactory factory, ObjectWriteContext context, JsonNode node) {
        // Not a StringWriter: SnakeYAML's emitter writes a character at a time, and StringWriter's buffer locks.
        // Its buffers come from Jackson's pool, as a mapper's do.
        BufferRecycler buffers = JsonRecyclerPools.defaultPool().acquireAndLinkPooled();
        try {
            SegmentedStringWriter out = new SegmentedStringWriter(buffers);
            try (JsonGenerator generator = factory.createGenerator(context, out)) {
                write(generator, node);
            }
            return out.getAndClear();
        } finally {
            buffers.releaseToPool();
        }
    }

    /** Writes {@code node} and its descendants. */
    public static void write(JsonGenerator generator, JsonNode node) throws JacksonException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject(node, node.size());
                for (var property : node.properties()) {
                    generator.writeName(property.getKey());
                    write(generator, property.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray(node, node.size());
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.stringValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case FLOAT -> generator.writeNumber(node.floatValue());
                    case DOUBLE -> generator.writeNumber(node.doubleValue());
                    default -> generator.writeNumber(node.decimalValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case BINARY -> generator.writeBinary(node.binaryValue());
            case NULL -> generator.writeNull();
            default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node as text");
        }
    }
}
