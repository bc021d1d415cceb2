package dev.kubectlsidecar.injector;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Test helper: the paths at which two pods differ, field by field, in what injection touches: labels,
 * annotations, containers, init containers and volumes. Lists of named things (containers, env, volumes, mounts)
 * are matched by name, so a path reads {@code spec.containers[istio-proxy].env[TRUST_DOMAIN].value}; their order
 * is compared on its own ({@code spec.containers (order)}). A path names where the values part; nothing deeper.
 */
public final class PodDiff {
    private static final Set<String> NAMED_LISTS = Set.of("containers", "initContainers", "volumes", "env",
            "volumeMounts");

    private PodDiff() {
    }

    public static List<String> paths(JsonNode ours, JsonNode theirs) {
        List<String> out = new ArrayList<>();
        compare("metadata.labels", ours.path("metadata").path("labels"), theirs.path("metadata").path("labels"), out);
        compare("metadata.annotations", ours.path("metadata").path("annotations"),
                theirs.path("metadata").path("annotations"), out);
        for (String list : List.of("containers", "initContainers", "volumes")) {
            compare("spec." + list, ours.path("spec").path(list), theirs.path("spec").path(list), out);
        }
        return out;
    }

    private static void compare(String path, JsonNode ours, JsonNode theirs, List<String> out) {
        if (isAbsent(ours) || isAbsent(theirs)) {
            JsonNode present = isAbsent(ours) ? theirs : ours;
            if (isAbsent(present)) {
                return;
            }
            if (present.isObject() && !path.contains("[")) {
                present.propertyNames().forEach(key -> out.add(path + "." + key));
            } else {
                out.add(path);
            }
            return;
        }
        String field = path.substring(path.lastIndexOf('.') + 1);
        if (ours.isArray() && theirs.isArray() && NAMED_LISTS.contains(field) && allNamed(ours) && allNamed(theirs)) {
            compareNamed(path, ours, theirs, out);
        } else if (ours.isObject() && theirs.isObject()) {
            Set<String> keys = new LinkedHashSet<>(ours.propertyNames());
            keys.addAll(theirs.propertyNames());
            for (String key : keys.stream().sorted().toList()) {
                compare(path + "." + key, ours.path(key), theirs.path(key), out);
            }
        } else if (ours.isArray() && theirs.isArray()) {
            for (int i = 0; i < Math.max(ours.size(), theirs.size()); i++) {
                compare(path + "[" + i + "]", ours.path(i), theirs.path(i), out);
            }
        } else if (!sameScalar(ours, theirs)) {
            out.add(path);
        }
    }

    private static void compareNamed(String path, JsonNode ours, JsonNode theirs, List<String> out) {
        List<String> ourNames = names(ours);
        List<String> theirNames = names(theirs);
        Set<String> all = new LinkedHashSet<>(theirNames);
        all.addAll(ourNames);
        for (String name : all) {
            compare(path + "[" + name + "]", byName(ours, name), byName(theirs, name), out);
        }
        List<String> common = ourNames.stream().filter(theirNames::contains).toList();
        if (!common.equals(theirNames.stream().filter(ourNames::contains).toList())) {
            out.add(path + " (order)");
        }
    }

    /** Numbers and strings compare by text, as YAML's "15020" and 15020 mean one port to the API server only when typed alike. */
    private static boolean sameScalar(JsonNode ours, JsonNode theirs) {
        if (isAbsent(ours) || isAbsent(theirs)) {
            return isAbsent(ours) && isAbsent(theirs);
        }
        if (ours.isNumber() && theirs.isNumber()) {
            return ours.decimalValue().compareTo(theirs.decimalValue()) == 0;
        }
        return ours.getNodeType() == theirs.getNodeType() && Objects.equals(ours.asString(""), theirs.asString(""))
                && ours.equals(theirs);
    }

    /** Absent, null, or an empty object: Go's YAML writer prints empty structs ({@code resources: {}}). */
    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() || (node.isObject() && node.isEmpty());
    }

    private static boolean allNamed(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.path("name").isString()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.path("name").asString()));
        return out;
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (name.equals(item.path("name").asString(null))) {
                return item;
            }
        }
        return null;
    }
}
