package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates the pod's containers, maps and lists that injection needs and remembers which ones it created (or
 * which were explicit nulls), so uninject can take exactly those away again. Entries are dotted paths relative
 * to the pod; a {@code :null} suffix means the field was there with a null value.
 */
final class CreatedFields {
    private static final String NULL_SUFFIX = ":null";
    private final List<String> created = new ArrayList<>();

    ObjectNode object(ObjectNode parent, String field, String path) {
        noteUnless(parent.get(field), ObjectNode.class, path);
        return Json.objectAt(parent, field);
    }

    ArrayNode array(ObjectNode parent, String field, String path) {
        noteUnless(parent.get(field), ArrayNode.class, path);
        return Json.arrayAt(parent, field);
    }

    List<String> paths() {
        return created;
    }

    private void noteUnless(JsonNode existing, Class<? extends JsonNode> present, String path) {
        if (!present.isInstance(existing)) {
            created.add(existing != null && existing.isNull() ? path + NULL_SUFFIX : path);
        }
    }

    /** Removes (or nulls again) each created field that is empty now, deepest first. */
    static void undo(ObjectNode pod, List<String> paths) {
        for (int i = paths.size() - 1; i >= 0; i--) {
            String entry = paths.get(i);
            boolean wasNull = entry.endsWith(NULL_SUFFIX);
            String path = wasNull ? entry.substring(0, entry.length() - NULL_SUFFIX.length()) : entry;
            int dot = path.lastIndexOf('.');
            JsonNode parent = dot < 0 ? pod : at(pod, path.substring(0, dot));
            String field = path.substring(dot + 1);
            if (parent instanceof ObjectNode parentObject && parentObject.get(field) != null
                    && parentObject.get(field).isContainer() && parentObject.get(field).isEmpty()) {
                if (wasNull) {
                    parentObject.putNull(field);
                } else {
                    parentObject.remove(field);
                }
            }
        }
    }

    private static JsonNode at(JsonNode root, String dotted) {
        JsonNode node = root;
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }
}
