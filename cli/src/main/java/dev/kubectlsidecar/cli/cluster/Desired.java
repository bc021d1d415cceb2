package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.json.Json;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether an object in the cluster already holds what we would apply, so {@code install} can say "unchanged" as
 * {@code kubectl apply} does and write nothing. Every field we set must have the same value there; fields the API
 * server adds (defaults, status, metadata) are ignored; lists must match item by item, so a removed item is a change.
 * {@link #project} is the same view of the object as a tree, for {@code install --dry-run}'s diff.
 */
final class Desired {
    private Desired() {
    }

    static boolean heldBy(JsonNode desired, JsonNode existing) {
        if (desired.isObject()) {
            if (!existing.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = desired.properties().iterator(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNull() && !heldBy(field.getValue(), existing.path(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (desired.isArray()) {
            if (!existing.isArray() || existing.size() != desired.size()) {
                return false;
            }
            for (int i = 0; i < desired.size(); i++) {
                if (!heldBy(desired.get(i), existing.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return desired.isNumber() && existing.isNumber() ? desired.decimalValue().compareTo(existing.decimalValue()) == 0
                : desired.asString().equals(existing.asString()) && desired.getNodeType() == existing.getNodeType();
    }

    /**
     * The part of {@code existing} that {@code desired} sets, in {@code desired}'s order: the fields the API server
     * adds are left out; a list keeps all its items (an extra one is a change), each seen through its counterpart.
     */
    static JsonNode project(JsonNode desired, JsonNode existing) {
        if (desired.isObject() && existing.isObject()) {
            ObjectNode out = Json.object();
            for (Map.Entry<String, JsonNode> field : desired.properties()) {
                if (!field.getValue().isNull() && existing.has(field.getKey())) {
                    out.set(field.getKey(), project(field.getValue(), existing.get(field.getKey())));
                }
            }
            return out;
        }
        if (desired.isArray() && existing.isArray()) {
            ArrayNode out = Json.array();
            for (int i = 0; i < existing.size(); i++) {
                out.add(i < desired.size() ? project(desired.get(i), existing.get(i)) : existing.get(i));
            }
            return out;
        }
        return existing;
    }
}
