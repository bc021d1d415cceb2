package dev.kubectlsidecar.injector.json;

import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Helpers for the engine's JSON trees. Text in and out: {@link JsonText}; mappers: {@link JsonMappers}. */
public final class Json {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** The object at {@code field}, created (and attached) when missing or not an object. */
    public static ObjectNode objectAt(ObjectNode parent, String field) {
        return childAt(parent, field, ObjectNode.class, Json::object);
    }

    /** The array at {@code field}, created (and attached) when missing or not an array. */
    public static ArrayNode arrayAt(ObjectNode parent, String field) {
        return childAt(parent, field, ArrayNode.class, Json::array);
    }

    private static <T extends JsonNode> T childAt(ObjectNode parent, String field, Class<T> type, Supplier<T> create) {
        JsonNode child = parent.get(field);
        if (type.isInstance(child)) {
            return type.cast(child);
        }
        T created = create.get();
        parent.set(field, created);
        return created;
    }

    /** An integer node that compares equal to the same number read back from JSON (int when it fits). */
    public static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    /** A string field of an object, or null when absent or not textual. */
    public static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode child = node.get(field);
        return child != null && child.isString() ? child.asString() : null;
    }
}
