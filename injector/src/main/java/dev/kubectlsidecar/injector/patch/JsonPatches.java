package dev.kubectlsidecar.injector.patch;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 patches between two pod trees, in time and size linear in the trees and proportional to what changed.
 * Only {@code add}, {@code remove} and {@code replace} are emitted (no {@code move}/{@code copy}), and additions under
 * a missing parent are one {@code add} of the whole parent, which is what the API server's patch implementation
 * requires.
 * <p>
 * Arrays are compared with their common prefix and suffix trimmed; what is left in between is matched by element
 * {@code name} (containers, volumes, env, ports: the lists injection changes), else diffed by position. Where the
 * operations for one object or array would take more than twice the bytes of replacing it whole, it is replaced
 * whole, so a patch is never more than about twice the value it produces (no amplification by many small removals).
 */
public final class JsonPatches {
    /**
     * A node's operations give way to one replace of the node only when there are at least this many and they take
     * more than twice its bytes: operations a reader can follow are worth some bytes, amplification is not. So a
     * node's operations never take more than twice its size (plus a path), at any depth.
     */
    private static final int OPERATIONS_WORTH_MERGING = 8;
    /** {@code {"op":"replace","path":"","value":}} and a comma: a replace's bytes besides its path and value. */
    private static final int REPLACE_OVERHEAD = 33;

    private JsonPatches() {
    }

    public static ArrayNode diff(JsonNode original, JsonNode mutated) {
        List<ObjectNode> operations = new ArrayList<>();
        diff(original, mutated, "", operations);
        ArrayNode patch = Json.array();
        operations.forEach(patch::add);
        return patch;
    }

    /** Applies {@code patch} to a copy of {@code target}. */
    public static JsonNode apply(JsonNode patch, JsonNode target) {
        return JsonPatch.apply(patch, target);
    }

    /** Appends the operations turning {@code from} into {@code to}; @return their size as JSON, in bytes */
    private static long diff(JsonNode from, JsonNode to, String path, List<ObjectNode> operations) {
        if (from.isObject() && to.isObject()) {
            int first = operations.size();
            long bytes = diffObjects((ObjectNode) from, (ObjectNode) to, path, operations);
            return replaceWholeIfSmaller(to, path, operations, first, bytes);
        } else if (from.isArray() && to.isArray()) {
            int first = operations.size();
            long bytes = diffArrays((ArrayNode) from, (ArrayNode) to, path, operations);
            return replaceWholeIfSmaller(to, path, operations, first, bytes);
        } else if (!from.equals(to)) {
            return emit(operations, replace(path, to));
        }
        return 0;
    }

    private static long diffObjects(ObjectNode from, ObjectNode to, String path, List<ObjectNode> operations) {
        long bytes = 0;
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            if (!to.has(field.getKey())) {
                bytes += emit(operations, remove(path + "/" + escape(field.getKey())));
            }
        }
        for (Map.Entry<String, JsonNode> field : to.properties()) {
            String child = path + "/" + escape(field.getKey());
            JsonNode before = from.get(field.getKey());
            bytes += before == null ? emit(operations, add(child, field.getValue()))
                    : diff(before, field.getValue(), child, operations);
        }
        return bytes;
    }

    private static long diffArrays(ArrayNode from, ArrayNode to, String path, List<ObjectNode> operations) {
        int fromSize = from.size();
        int toSize = to.size();
        int prefix = 0;
        while (prefix < fromSize && prefix < toSize && from.get(prefix).equals(to.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < fromSize - prefix && suffix < toSize - prefix
                && from.get(fromSize - 1 - suffix).equals(to.get(toSize - 1 - suffix))) {
            suffix++;
        }
        List<JsonNode> fromMiddle = slice(from, prefix, fromSize - suffix);
        List<JsonNode> toMiddle = slice(to, prefix, toSize - suffix);
        if (fromMiddle.isEmpty() && toMiddle.isEmpty()) {
            return 0;
        }
        long byName = diffByName(fromMiddle, toMiddle, path, prefix, operations);
        return byName >= 0 ? byName : diffByPosition(fromMiddle, toMiddle, path, prefix, operations);
    }

    /**
     * Matches the middle elements by {@code name}: removes those whose name is gone, adds the new ones, diffs the
     * rest in place. @return the operations' bytes; -1 (emitting nothing) when the elements are not uniquely named
     * objects or the names both sides share are not in the same order
     */
    private static long diffByName(List<JsonNode> from, List<JsonNode> to, String path, int offset,
                                   List<ObjectNode> operations) {
        Map<String, JsonNode> fromByName = byName(from);
        Map<String, JsonNode> toByName = byName(to);
        if (fromByName == null || toByName == null || !sharedInSameOrder(from, fromByName, to, toByName)) {
            return -1;
        }
        long bytes = 0;
        for (int i = from.size() - 1; i >= 0; i--) {
            if (!toByName.containsKey(from.get(i).get("name").asString())) {
                bytes += emit(operations, remove(path + "/" + (offset + i)));
            }
        }
        for (int i = 0; i < to.size(); i++) {
            JsonNode element = to.get(i);
            JsonNode before = fromByName.get(element.get("name").asString());
            String child = path + "/" + (offset + i);
            bytes += before == null ? emit(operations, add(child, element)) : diff(before, element, child, operations);
        }
        return bytes;
    }

    private static boolean sharedInSameOrder(List<JsonNode> from, Map<String, JsonNode> fromByName, List<JsonNode> to,
                                             Map<String, JsonNode> toByName) {
        List<String> keptInFrom = new ArrayList<>();
        for (JsonNode element : from) {
            String name = element.get("name").asString();
            if (toByName.containsKey(name)) {
                keptInFrom.add(name);
            }
        }
        int next = 0;
        for (JsonNode element : to) {
            String name = element.get("name").asString();
            if (fromByName.containsKey(name) && !name.equals(keptInFrom.get(next++))) {
                return false;
            }
        }
        return true;
    }

    /** The elements by their {@code name}; null unless every element is an object with a unique string name. */
    private static Map<String, JsonNode> byName(List<JsonNode> elements) {
        Map<String, JsonNode> named = new HashMap<>();
        for (JsonNode element : elements) {
            JsonNode name = element.isObject() ? element.get("name") : null;
            if (name == null || !name.isString() || named.putIfAbsent(name.asString(), element) != null) {
                return null;
            }
        }
        return named;
    }

    /** Diffs the common length in place, then removes what {@code from} has more or adds what {@code to} has more. */
    private static long diffByPosition(List<JsonNode> from, List<JsonNode> to, String path, int offset,
                                       List<ObjectNode> operations) {
        long bytes = 0;
        int common = Math.min(from.size(), to.size());
        for (int i = 0; i < common; i++) {
            bytes += diff(from.get(i), to.get(i), path + "/" + (offset + i), operations);
        }
        for (int i = from.size() - 1; i >= common; i--) {
            bytes += emit(operations, remove(path + "/" + (offset + i)));
        }
        for (int i = common; i < to.size(); i++) {
            bytes += emit(operations, add(path + "/" + (offset + i), to.get(i)));
        }
        return bytes;
    }

    /**
     * Replaces the operations from {@code first} on (all for the node at {@code path}, {@code bytes} in all) by one
     * {@code replace} of the node when that is less than half their size. The node is measured only up to half of
     * {@code bytes}, so measuring costs no more than the operations did. The root is never replaced whole (a pod's patch keeps to its fields).
     * @return the bytes of the operations kept
     */
    private static long replaceWholeIfSmaller(JsonNode to, String path, List<ObjectNode> operations, int first,
                                              long bytes) {
        long overhead = REPLACE_OVERHEAD + path.length();
        if (path.isEmpty() || operations.size() - first < OPERATIONS_WORTH_MERGING || bytes <= 2 * overhead) {
            return bytes;
        }
        long whole = overhead + serializedSize(to, bytes / 2 - overhead);
        if (2 * whole >= bytes) {
            return bytes;
        }
        operations.subList(first, operations.size()).clear();
        return emit(operations, replace(path, to));
    }

    /** Appends an operation; @return its size as JSON (plus a comma) */
    private static long emit(List<ObjectNode> operations, ObjectNode operation) {
        operations.add(operation);
        return serializedSize(operation, Long.MAX_VALUE) + 1;
    }

    /** The node's size as JSON, or any number above {@code limit} once it is known to be larger. */
    private static long serializedSize(JsonNode node, long limit) {
        CountingStream counter = new CountingStream(limit);
        try {
            JsonMappers.JSON.writeValue(counter, node);
        } catch (RuntimeException tooLarge) {
            if (counter.count <= limit) {
                throw tooLarge;
            }
        }
        return counter.count;
    }

    private static List<JsonNode> slice(ArrayNode array, int from, int to) {
        List<JsonNode> elements = new ArrayList<>(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            elements.add(array.get(i));
        }
        return elements;
    }

    private static ObjectNode add(String path, JsonNode value) {
        ObjectNode operation = Json.object().put("op", "add").put("path", path);
        operation.set("value", value);
        return operation;
    }

    private static ObjectNode replace(String path, JsonNode value) {
        ObjectNode operation = Json.object().put("op", "replace").put("path", path);
        operation.set("value", value);
        return operation;
    }

    private static ObjectNode remove(String path) {
        return Json.object().put("op", "remove").put("path", path);
    }

    /** A key as an RFC 6901 reference token. */
    private static String escape(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }

    /** Counts bytes; stops the writer (with an exception) once past its limit. */
    private static final class CountingStream extends OutputStream {
        private final long limit;
        private long count;

        CountingStream(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            write(null, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
            if (count > limit) {
                throw new IllegalStateException("larger than " + limit + " bytes");
            }
        }
    }
}
