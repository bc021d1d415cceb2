package dev.kubectlsidecar.cli.cluster;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Whether an object in the cluster already holds what we would apply, so {@code install} can say "unchanged" as
 * {@code kubectl apply} does and write nothing. Every field we set must have the same value there; fields the API
 * server adds (defaults, status, metadata) are ignored; lists must match item by item, so a removed item is a change.
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
}
