package dev.kubectlsidecar.injector.patch;

import dev.kubectlsidecar.injector.Json;
import dev.kubectlsidecar.injector.JsonMappers;
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
 * {@code name} (containers, volumes, env, ports: the lists injection changes), else replaced. Where the operations
 * for one object or array would take more bytes than replacing it whole, it is replaced whole, so a patch is never
 * much larger than the value it produces (no amplification by many small removals).
 */
public final class JsonPatches {
    /** Below this many operations for one node, replacing it whole is not considered (it would rarely be smaller). */
    private static final int OPERATIONS_WORTH_MEASURING = 16;

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

    private static void diff(JsonNode from, JsonNode to, String path, List<ObjectNode> operations) {
        if (from.isObject() && to.isObject()) {
            int first = operations.size();
            diffObjects((ObjectNode) from, (ObjectNode) to, path, operations);
            replaceWholeIfSmaller(to, path, operations, first);
        } else if (from.isArray() && to.isArray()) {
            int first = operations.size();
            diffArrays((ArrayNode) from, (ArrayNode) to, path, operations);
            replaceWholeIfSmaller(to, path, operations, first);
        } else if (!from.equals(to)) {
            operations.add(replace(path, to));
        }
    }

    private static void diffObjects(ObjectNode from, ObjectNode to, String path, List<ObjectNode> operations) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            if (!to.has(field.getKey())) {
                operations.add(remove(path + "/" + escape(field.getKey())));
            }
        }
        for (Map.Entry<String, JsonNode> field : to.properties()) {
            String child = path + "/" + escape(field.getKey());
            JsonNode before = from.get(field.getKey());
            if (before == null) {
                operations.add(add(child, field.getValue()));
            } else {
                diff(before, field.getValue(), child, operations);
            }
        }
    }

    private static void diffArrays(ArrayNode from, ArrayNode to, String path, List<ObjectNode> operations) {
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
            return;
        }
        if (!diffByName(fromMiddle, toMiddle, path, prefix, operations)) {
            diffByPosition(fromMiddle, toMiddle, path, prefix, operations);
        }
    }

    /**
     * Matches the middle elements by {@code name}: removes those whose name is gone, adds the new ones, diffs the
     * rest in place. @return false (emitting nothing) when the elements are not uniquely named objects or the names
     * both sides share are not in the same order
     */
    private static boolean diffByName(List<JsonNode> from, List<JsonNode> to, String path, int offset,
                                      List<ObjectNode> operations) {
        Map<String, JsonNode> fromByName = byName(from);
        Map<String, JsonNode> toByName = byName(to);
        if (fromByName == null || toByName == null) {
            return false;
        }
        List<String> keptInFrom = new ArrayList<>();
        for (JsonNode element : from) {
            String name = element.get("name").asString();
            if (toByName.containsKey(name)) {
                keptInFrom.add(name);
            }
        }
        List<String> keptInTo = new ArrayList<>();
        for (JsonNode element : to) {
            String name = element.get("name").asString();
            if (fromByName.containsKey(name)) {
                keptInTo.add(name);
            }
        }
        if (!keptInFrom.equals(keptInTo)) {
            return false;
        }
        for (int i = from.size() - 1; i >= 0; i--) {
            if (!toByName.containsKey(from.get(i).get("name").asString())) {
                operations.add(remove(path + "/" + (offset + i)));
            }
        }
        for (int i = 0; i < to.size(); i++) {
            JsonNode element = to.get(i);
            JsonNode before = fromByName.get(element.get("name").asString());
            String child = path + "/" + (offset + i);
            if (before == null) {
                operations.add(add(child, element));
            } else {
                diff(before, element, child, operations);
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
    private static void diffByPosition(List<JsonNode> from, List<JsonNode> to, String path, int offset,
                                       List<ObjectNode> operations) {
        int common = Math.min(from.size(), to.size());
        for (int i = 0; i < common; i++) {
            diff(from.get(i), to.get(i), path + "/" + (offset + i), operations);
        }
        for (int i = from.size() - 1; i >= common; i--) {
            operations.add(remove(path + "/" + (offset + i)));
        }
        for (int i = common; i < to.size(); i++) {
            operations.add(add(path + "/" + (offset + i), to.get(i)));
        }
    }

    /**
     * Replaces the operations from {@code first} on (all for the node at {@code path}) by one {@code replace} of the
     * node when that is smaller. Only measured when there are many: the sizes cost a pass over what is measured. The
     * root is never replaced whole (a pod's patch keeps to the pod's fields).
     */
    private static void replaceWholeIfSmaller(JsonNode to, String path, List<ObjectNode> operations, int first) {
        int count = operations.size() - first;
        if (count < OPERATIONS_WORTH_MEASURING || path.isEmpty()) {
            return;
        }
        List<ObjectNode> emitted = operations.subList(first, operations.size());
        long emittedBytes = 0;
        for (ObjectNode operation : emitted) {
            emittedBytes += serializedSize(operation) + 1;
        }
        ObjectNode whole = replace(path, to);
        if (serializedSize(whole) < emittedBytes) {
            emitted.clear();
            operations.add(whole);
        }
    }

    private static long serializedSize(JsonNode node) {
        CountingStream counter = new CountingStream();
        JsonMappers.JSON.writeValue(counter, node);
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

    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }
}
