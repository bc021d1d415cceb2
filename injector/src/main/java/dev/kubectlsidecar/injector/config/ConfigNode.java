package dev.kubectlsidecar.injector.config;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A read-only walker over one object of the config that knows its own path, so every error names the field
 * ({@code profiles.envoy.resources.requests.cpu}) and unknown fields are refused instead of silently ignored.
 */
final class ConfigNode {
    private final String source;
    private final String path;
    private final JsonNode node;

    ConfigNode(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (!node.isObject()) {
            throw error(path, "must be a mapping, got " + describe(node));
        }
    }

    void allowOnly(Set<String> fields) {
        for (String name : node.propertyNames()) {
            if (!fields.contains(name)) {
                throw error(child(name), "unknown field; allowed: " + String.join(", ", fields.stream().sorted().toList()));
            }
        }
    }

    String string(String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isString() && !value.isNumber() && !value.isBoolean()) {
            throw error(child(field), "must be a string, got " + describe(value));
        }
        return value.asString();
    }

    String requiredString(String field) {
        String value = string(field, null);
        if (value == null || value.isBlank()) {
            throw error(child(field), "is required");
        }
        return value;
    }

    boolean bool(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw error(child(field), "must be true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    int port(String field, int fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > 65535) {
            throw error(child(field), "must be a port number 1-65535, got " + value);
        }
        return value.intValue();
    }

    int integer(String field, int fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw error(child(field), "must be a whole number " + min + "-" + max + ", got " + describe(value));
        }
        return value.intValue();
    }

    long id(String field, long fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0
                || value.longValue() > 4294967294L) {
            throw error(child(field), "must be a user or group id 0-4294967294, got " + value);
        }
        return value.longValue();
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type, E fallback) {
        String value = string(field, null);
        if (value == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw error(child(field), "must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
    }

    List<String> strings(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw error(child(field), "must be a list of strings, got " + describe(value));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isString() || value.get(i).asString().isBlank()) {
                throw error(child(field) + "[" + i + "]", "must be a non-empty string");
            }
            out.add(value.get(i).asString());
        }
        return out;
    }

    /** The child object, or null when absent. */
    ConfigNode object(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : new ConfigNode(source, child(field), value);
    }

    Map<String, ConfigNode> objects() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            out.put(entry.getKey(), new ConfigNode(source, child(entry.getKey()), entry.getValue()));
        }
        return out;
    }

    Set<String> fieldNames() {
        return new java.util.LinkedHashSet<>(node.propertyNames());
    }

    String path() {
        return path;
    }

    String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    InvalidConfigException error(String at, String problem) {
        return new InvalidConfigException(source + ": " + (at.isEmpty() ? "(top level)" : at) + ": " + problem);
    }

    private static String describe(JsonNode value) {
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        return value.isString() ? "\"" + value.asString() + "\"" : value.toString();
    }
}
