package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Takes away what the {@code istio} profile, or istiod itself, added to a pod besides the sidecar: rewritten app
 * probes come back from the proxy's {@value AppProbes#ENV}, and the labels and annotations go. Our own record says
 * what we added (and only Istio's keys are ever taken from it); istiod's says nothing about them, so its
 * additions are recognised by their values, as Istio's template computes them.
 */
final class IstioUndo {
    private static final Set<String> ISTIO_LABELS =
            Set.of(IstioPodFields.TLS_MODE, IstioPodFields.CANONICAL_NAME, IstioPodFields.CANONICAL_REVISION);
    private static final String STATUS_PORT_ANNOTATION = "status.sidecar.istio.io/port";
    private static final int MAX_VALUE = 4096;

    private IstioUndo() {
    }

    /** Puts back the app probes the record's proxy holds the originals of; call before the proxy is removed. */
    static void restoreProbes(ObjectNode pod, ObjectNode spec, InjectionRecord record) {
        String[] where = new String[1];
        JsonNode value = proxyEnv(spec, record, AppProbes.ENV, where);
        if (value == null) {
            // Nothing to restore from: a probe still pointing at pilot-agent would fail once the proxy is gone.
            AppProbes.restore(spec, "{}", "the proxy's env " + AppProbes.ENV + " (absent)", statusPort(pod, record),
                    Map.of());
            return;
        }
        if (!value.isString()) {
            throw new MalformedPodException(where[0], "must be a string");
        }
        AppProbes.restore(spec, value.asString(), where[0], statusPort(pod, record), record.namedPorts());
    }

    /** Removes the labels and annotations injection added, and gives back those it replaced. */
    static void undoMetadata(ObjectNode pod, ObjectNode spec, InjectionRecord record, JsonNode prometheusEnv) {
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        ObjectNode annotations = (ObjectNode) metadata.get("annotations");
        JsonNode labelsNode = metadata.get("labels");
        ObjectNode labels = labelsNode instanceof ObjectNode object ? object : null;
        if (record.ours()) {
            if (labels != null) {
                record.addedLabels().stream().filter(ISTIO_LABELS::contains)
                        .filter(label -> valueInjectionSets(labels, label)).forEach(labels::remove);
            }
            record.annotationsBefore().forEach((key, before) -> {
                if (InjectionRecord.restorable(key)) {
                    annotations.put(key, before);
                }
            });
            return;
        }
        undoIstiod(annotations, labels, spec, prometheusEnv);
        // Lists istiod's injection created and uninject emptied (its record does not say which it created).
        for (String list : List.of("initContainers", "volumes")) {
            if (spec.get(list) != null && spec.get(list).isArray() && spec.get(list).isEmpty()) {
                spec.remove(list);
            }
        }
    }

    /**
     * Whether the label holds what injection sets it to, so that a record (the pod author's to write) cannot take
     * away a label of the author's own: {@code tlsMode} is always {@code istio}, the canonical revision is what the
     * other labels give; the canonical name may come from the workload's name, which the pod does not carry, so its
     * name is trusted.
     */
    private static boolean valueInjectionSets(ObjectNode labels, String label) {
        String value = labels.path(label).asString(null);
        ObjectNode others = labels.deepCopy();
        others.remove(label);
        return switch (label) {
            case IstioPodFields.TLS_MODE -> "istio".equals(value);
            case IstioPodFields.CANONICAL_REVISION -> IstioPodFields.canonicalRevision(others).equals(value);
            default -> true;
        };
    }

    /** The proxy's {@value IstioPodFields#PROMETHEUS_ENV}, read before the proxy goes; null when it has none. */
    static JsonNode prometheusEnv(ObjectNode spec, InjectionRecord record) {
        return proxyEnv(spec, record, IstioPodFields.PROMETHEUS_ENV, new String[1]);
    }

    private static void undoIstiod(ObjectNode annotations, ObjectNode labels, ObjectNode spec, JsonNode prometheusEnv) {
        annotations.remove(IstioPodFields.REVISION);
        String firstApp = null;
        for (JsonNode container : spec.path("containers")) {
            firstApp = container.path("name").asString(null);
            break;
        }
        for (String key : List.of(SidecarRenderer.DEFAULT_CONTAINER, IstioPodFields.DEFAULT_LOGS_CONTAINER)) {
            if (firstApp != null && firstApp.equals(annotations.path(key).asString(null))) {
                annotations.remove(key);
            }
        }
        if (labels != null) {
            if ("istio".equals(labels.path(IstioPodFields.TLS_MODE).asString(null))) {
                labels.remove(IstioPodFields.TLS_MODE);
            }
            ObjectNode without = labels.deepCopy();
            without.remove(List.of(IstioPodFields.CANONICAL_NAME, IstioPodFields.CANONICAL_REVISION));
            if (IstioPodFields.canonicalRevision(without).equals(labels.path(IstioPodFields.CANONICAL_REVISION).asString(null))) {
                labels.remove(IstioPodFields.CANONICAL_REVISION);
            }
            String name = labels.path(IstioPodFields.CANONICAL_NAME).asString(null);
            // Derived from the app labels when there are any, else from the workload's name (not known here).
            if (name != null && name.equals(IstioPodFields.canonicalName(without, name))) {
                labels.remove(IstioPodFields.CANONICAL_NAME);
            }
        }
        undoPrometheus(annotations, prometheusEnv);
    }

    /** Istio's merge set port, path and scrape; the app's own settings, if any, are in the proxy's env. */
    private static void undoPrometheus(ObjectNode annotations, JsonNode env) {
        if (!String.valueOf(MeshSettings.STATUS_PORT).equals(annotations.path(IstioPodFields.PROMETHEUS_PORT).asString(null))
                || !IstioPodFields.MERGED_METRICS_PATH.equals(annotations.path(IstioPodFields.PROMETHEUS_PATH).asString(null))
                || !"true".equals(annotations.path(IstioPodFields.PROMETHEUS_SCRAPE).asString(null))) {
            return;
        }
        annotations.remove(List.of(IstioPodFields.PROMETHEUS_PORT, IstioPodFields.PROMETHEUS_PATH,
                IstioPodFields.PROMETHEUS_SCRAPE));
        if (env == null || !env.isString()) {
            return;
        }
        JsonNode original;
        try {
            original = JsonText.readJson(env.asString());
        } catch (JacksonException e) {
            throw new MalformedPodException(IstioPodFields.PROMETHEUS_ENV, "must be the JSON object Istio writes");
        }
        JsonNode targets = original.path("targets");
        if (targets.isArray() && !targets.isEmpty()) {
            // With scrape targets, Istio copied the first one into path and port: the author wrote the targets.
            StringBuilder text = new StringBuilder();
            for (JsonNode target : targets) {
                if (!plain(target.path("port")) || !plain(target.path("path"))) {
                    return;
                }
                text.append(text.isEmpty() ? "" : ",").append(target.path("port").asString()).append(':')
                        .append(target.path("path").asString());
            }
            annotations.put(ScrapeTargets.ANNOTATION, text.toString());
            restore(annotations, original, Map.of("scrape", IstioPodFields.PROMETHEUS_SCRAPE));
            return;
        }
        restore(annotations, original, Map.of("scrape", IstioPodFields.PROMETHEUS_SCRAPE,
                "path", IstioPodFields.PROMETHEUS_PATH, "port", IstioPodFields.PROMETHEUS_PORT));
    }

    private static void restore(ObjectNode annotations, JsonNode original, Map<String, String> fields) {
        fields.forEach((field, key) -> {
            if (plain(original.path(field))) {
                annotations.put(key, original.path(field).asString());
            }
        });
    }

    /** A non-empty, short string without control characters or commas. */
    private static boolean plain(JsonNode value) {
        return value.isString() && !value.asString().isEmpty() && value.asString().length() <= MAX_VALUE
                && value.asString().chars().noneMatch(c -> c < 0x20 || c == ',');
    }

    private static int statusPort(ObjectNode pod, InjectionRecord record) {
        if (record.ours()) {
            return MeshSettings.STATUS_PORT;
        }
        String value = pod.path("metadata").path("annotations").path(STATUS_PORT_ANNOTATION).asString("");
        return value.matches("[1-9]\\d{0,4}") && Integer.parseInt(value) <= 65535 ? Integer.parseInt(value)
                : MeshSettings.STATUS_PORT;
    }

    /** An env value of the proxy the record names; {@code where[0]} receives its field path. */
    private static JsonNode proxyEnv(ObjectNode spec, InjectionRecord record, String name, String[] where) {
        for (String list : List.of("containers", "initContainers")) {
            List<String> added = list.equals("containers") ? record.containers() : record.initContainers();
            if (!added.contains(SidecarParts.PROXY_NAME)) {
                continue;
            }
            JsonNode items = spec.path(list);
            for (int i = 0; i < items.size(); i++) {
                if (!SidecarParts.PROXY_NAME.equals(items.get(i).path("name").asString(null))) {
                    continue;
                }
                for (JsonNode entry : items.get(i).path("env")) {
                    if (name.equals(entry.path("name").asString(null)) && entry.has("value")) {
                        where[0] = "spec." + list + "[" + i + "].env[" + name + "]";
                        return entry.get("value");
                    }
                }
            }
        }
        return null;
    }
}
