package dev.kubectlsidecar.injector.render;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges a user's own {@code istio-proxy}/{@code istio-init} container over the injected one, as Istio does: the
 * user's fields win, objects merge recursively, lists of named items (env, ports, volumeMounts) merge by key, and
 * {@code image: auto} keeps the injected image. Unlike Istio, another image is kept only when the config allows
 * image overrides (else ours stays, with a warning), and {@link SidecarOverrideCheck} then refuses a merged
 * container that lost any of its security.
 */
final class ContainerOverride {
    private static final Map<String, String> LIST_KEYS =
            Map.of("env", "name", "ports", "containerPort", "volumeMounts", "mountPath");
    private static final String IMAGE = "image";
    private static final String AUTO = "auto";

    private ContainerOverride() {
    }

    /** @param warnings receives a sentence when the user's image is ignored */
    static ObjectNode merge(ObjectNode injected, ObjectNode user, boolean imageOverrideAllowed, List<String> warnings) {
        ObjectNode merged = merge(injected, user);
        JsonNode theirs = user.get(IMAGE);
        if (theirs == null || theirs.equals(injected.get(IMAGE))) {
            return merged;
        }
        if (AUTO.equals(theirs.asString(null))) {
            merged.set(IMAGE, injected.get(IMAGE));
        } else if (!imageOverrideAllowed) {
            merged.set(IMAGE, injected.get(IMAGE));
            warnings.add("container " + injected.path("name").asString() + ": image " + theirs
                    + " was ignored: the injection config does not allow image overrides (allowImageOverride: false)");
        }
        return merged;
    }

    private static ObjectNode merge(ObjectNode injected, ObjectNode user) {
        ObjectNode merged = injected.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = user.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode theirs = field.getValue();
            JsonNode ours = merged.get(name);
            if (ours instanceof ObjectNode oursObject && theirs instanceof ObjectNode theirsObject) {
                merged.set(name, merge(oursObject, theirsObject));
            } else if (ours instanceof ArrayNode oursArray && theirs instanceof ArrayNode theirsArray
                    && LIST_KEYS.containsKey(name)) {
                merged.set(name, mergeByKey(oursArray, theirsArray, LIST_KEYS.get(name)));
            } else {
                merged.set(name, theirs.deepCopy());
            }
        }
        return merged;
    }

    private static ArrayNode mergeByKey(ArrayNode ours, ArrayNode theirs, String key) {
        ArrayNode merged = ours.deepCopy();
        for (JsonNode item : theirs) {
            int index = indexOf(merged, key, item.get(key));
            if (index < 0) {
                merged.add(item.deepCopy());
            } else if (merged.get(index) instanceof ObjectNode existing && item instanceof ObjectNode override) {
                merged.set(index, merge(existing, override));
            } else {
                merged.set(index, item.deepCopy());
            }
        }
        return merged;
    }

    private static int indexOf(ArrayNode items, String key, JsonNode value) {
        if (value == null) {
            return -1;
        }
        for (int i = 0; i < items.size(); i++) {
            if (value.equals(items.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }
}
