package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What istiod's injector adds to a pod that depends on the pod itself, for the {@code istio} profile: the labels
 * Istio's clients and telemetry read ({@code security.istio.io/tlsMode}, the canonical service), the revision and
 * default-logs-container annotations, Prometheus scrape merging, the proxy's per-pod env (ports, app containers,
 * workload, owner, OpenTelemetry resource attributes) and the app-probe rewrite ({@link AppProbes}). Everything added is noted in the injection
 * record, so uninject takes exactly that away again; {@link IstioUndo} undoes the same for istiod's pods.
 */
public final class IstioPodFields {
    static final String TLS_MODE = "security.istio.io/tlsMode";
    static final String CANONICAL_NAME = "service.istio.io/canonical-name";
    static final String CANONICAL_REVISION = "service.istio.io/canonical-revision";
    static final String REVISION = "istio.io/rev";
    static final String DEFAULT_LOGS_CONTAINER = "kubectl.kubernetes.io/default-logs-container";
    static final String PROMETHEUS_ENV = "ISTIO_PROMETHEUS_ANNOTATIONS";
    static final String PROMETHEUS_PORT = "prometheus.io/port";
    static final String PROMETHEUS_PATH = "prometheus.io/path";
    static final String PROMETHEUS_SCRAPE = "prometheus.io/scrape";
    static final String MERGED_METRICS_PATH = "/stats/prometheus";
    private static final String MERGE_METRICS = "prometheus.istio.io/merge-metrics";
    private static final Set<String> REPLACEABLE_PROMETHEUS =
            Set.of("prometheus_io_scrape", "prometheus_io_path", "prometheus_io_port", ScrapeTargets.SANITIZED);

    private IstioPodFields() {
    }

    /**
     * Completes an injected pod in place and amends its injection record.
     *
     * @param annotations the pod's annotations before injection
     * @return warnings about probes left as they were
     */
    public static List<String> apply(ObjectNode pod, WorkloadIdentity workload, MeshSettings mesh,
                              Map<String, String> annotations) {
        ObjectNode spec = (ObjectNode) pod.get("spec");
        ObjectNode proxy = proxy(spec);
        List<JsonNode> apps = new ArrayList<>();
        List<String> appNames = new ArrayList<>();
        StringBuilder ports = new StringBuilder("[");
        for (JsonNode container : spec.path("containers")) {
            if (container.path("name").asString("").equals(SidecarParts.PROXY_NAME)) {
                continue;
            }
            apps.add(container);
            appNames.add(container.path("name").asString(""));
            for (JsonNode port : container.path("ports")) {
                ports.append(ports.length() > 1 ? "\n    ," : "\n    ").append(portJson(port));
            }
        }
        ports.append("\n]");
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        List<String> created = new ArrayList<>();
        JsonNode existingLabels = metadata.get("labels");
        if (existingLabels != null && !existingLabels.isNull() && !existingLabels.isObject()) {
            throw new MalformedPodException("metadata.labels", "must be a mapping of label names to values");
        }
        if (!(existingLabels instanceof ObjectNode)) {
            created.add(existingLabels != null ? "metadata.labels:null" : "metadata.labels");
        }
        ObjectNode labels = Json.objectAt(metadata, "labels");
        ObjectNode podAnnotations = (ObjectNode) metadata.get("annotations");

        setEnv(proxy, IstioProxyLayout.POD_PORTS, ports.toString());
        setEnv(proxy, IstioProxyLayout.APP_CONTAINERS, String.join(",", appNames));
        String workloadName = labels.path("service.istio.io/workload-name").asString(workload.name());
        setEnv(proxy, IstioProxyLayout.WORKLOAD_NAME, workloadName.isEmpty() ? null : workloadName);
        setEnv(proxy, IstioProxyLayout.OWNER, workload.owner());
        String otel = OtelResourceAttributes.of(annotations, labels, workload.namespace(), apps);
        setEnv(proxy, OtelResourceAttributes.ENV, otel.isEmpty() ? null : otel);

        List<String> addedLabels = new ArrayList<>();
        addLabel(labels, TLS_MODE, "istio", addedLabels);
        addLabel(labels, CANONICAL_NAME, canonicalName(labels, workload.name()), addedLabels);
        addLabel(labels, CANONICAL_REVISION, canonicalRevision(labels), addedLabels);

        List<String> addedAnnotations = new ArrayList<>();
        Map<String, String> before = new LinkedHashMap<>();
        setAnnotation(podAnnotations, REVISION, mesh.revisionName(), addedAnnotations, before);
        if (!appNames.isEmpty() && !podAnnotations.has(DEFAULT_LOGS_CONTAINER)) {
            setAnnotation(podAnnotations, DEFAULT_LOGS_CONTAINER, appNames.get(0), addedAnnotations, before);
        }
        mergePrometheus(podAnnotations, proxy, addedAnnotations, before);

        List<String> warnings = new ArrayList<>();
        Map<String, String> namedPorts = Map.of();
        if (AppProbes.enabled(annotations, mesh.rewriteAppProbers())) {
            AppProbes.Rewrite rewrite = AppProbes.rewrite(spec, MeshSettings.STATUS_PORT);
            if (rewrite.probers() != null) {
                Json.arrayAt(proxy, "env").addObject().put("name", AppProbes.ENV).put("value", rewrite.probers());
            }
            namedPorts = rewrite.namedPorts();
            warnings.addAll(rewrite.warnings());
        }
        InjectionRecord record = InjectionRecord.read(pod).orElseThrow()
                .withPodFields(mesh.revisionName(), addedLabels, addedAnnotations, before, created, namedPorts);
        podAnnotations.put(InjectionRecord.ANNOTATION, record.toJson());
        return warnings;
    }

    /** The injected proxy: in the containers, or in the init containers as a native sidecar. */
    static ObjectNode proxy(ObjectNode spec) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : spec.path(list)) {
                if (container instanceof ObjectNode object
                        && SidecarParts.PROXY_NAME.equals(container.path("name").asString(null))) {
                    return object;
                }
            }
        }
        throw new MalformedPodException("spec.containers", "has no " + SidecarParts.PROXY_NAME + " container");
    }

    /** Istio's canonical service name: the pod's own label, else its app name, else the workload's, at most 63. */
    static String canonicalName(JsonNode labels, String workloadName) {
        String name = firstSet(labels, CANONICAL_NAME, "app.kubernetes.io/name", "app");
        name = name != null ? name : workloadName;
        name = name.length() > 63 ? name.substring(0, 63) : name;
        int start = 0;
        int end = name.length();
        while (start < end && "-_.".indexOf(name.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && "-_.".indexOf(name.charAt(end - 1)) >= 0) {
            end--;
        }
        return name.substring(start, end);
    }

    static String canonicalRevision(JsonNode labels) {
        String revision = firstSet(labels, CANONICAL_REVISION, "app.kubernetes.io/version", "version");
        return revision != null ? revision : "latest";
    }

    private static String firstSet(JsonNode labels, String... keys) {
        for (String key : keys) {
            String value = labels.path(key).asString("");
            if (!value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    /**
     * Istio's Prometheus merge: unless the pod opts out ({@code prometheus.io/scrape: false}, or
     * {@code prometheus.istio.io/merge-metrics: false}), Prometheus scrapes pilot-agent, which merges Envoy's
     * metrics with the app's; the app's own scrape settings move to the proxy's {@value #PROMETHEUS_ENV}.
     */
    private static void mergePrometheus(ObjectNode annotations, ObjectNode proxy, List<String> added,
                                        Map<String, String> before) {
        if (!goBool(variant(annotations, "prometheus_io_scrape"), true) || !goBool(text(annotations, MERGE_METRICS), true)
                || String.valueOf(MeshSettings.STATUS_PORT).equals(variant(annotations, "prometheus_io_port"))) {
            return;
        }
        String scrape = orEmpty(variant(annotations, "prometheus_io_scrape"));
        String path = orEmpty(variant(annotations, "prometheus_io_path"));
        String port = orEmpty(variant(annotations, "prometheus_io_port"));
        String targetsKey = variantKey(annotations, ScrapeTargets.SANITIZED);
        String targetsText = targetsKey == null ? "" : annotations.get(targetsKey).asString("");
        List<ScrapeTargets.Target> targets = ScrapeTargets.parse(targetsText);
        if (!targets.isEmpty()) {
            // the first target also as path and port, for pilot-agents that know no targets (as istiod writes it)
            port = targets.get(0).port();
            path = targets.get(0).path();
            targets.forEach(target -> ScrapeTargets.check(targetsKey, targetsText, target.port()));
        } else if (!port.isEmpty()) {
            ScrapeTargets.check(variantKey(annotations, "prometheus_io_port"), port, port);
        }
        if (!scrape.isEmpty() || !path.isEmpty() || !port.isEmpty() || !targets.isEmpty()) {
            ObjectNode config = Json.object().put("scrape", scrape).put("path", path).put("port", port);
            if (!targets.isEmpty()) {
                ArrayNode list = config.putArray("targets");
                targets.forEach(target -> list.addObject().put("port", target.port()).put("path", target.path()));
            }
            Json.arrayAt(proxy, "env").addObject().put("name", PROMETHEUS_ENV)
                    .put("value", GoJson.write(config));
        }
        for (String key : new ArrayList<>(annotations.propertyNames())) {
            if (REPLACEABLE_PROMETHEUS.contains(sanitize(key))) {
                before.put(key, annotations.get(key).asString(""));
                annotations.remove(key);
            }
        }
        setAnnotation(annotations, PROMETHEUS_PORT, String.valueOf(MeshSettings.STATUS_PORT), added, before);
        setAnnotation(annotations, PROMETHEUS_PATH, MERGED_METRICS_PATH, added, before);
        setAnnotation(annotations, PROMETHEUS_SCRAPE, "true", added, before);
    }

    /** Whether uninject may put {@code key} back from a record: only what injection itself replaces. */
    static boolean replaceable(String key) {
        return key.equals(REVISION) || REPLACEABLE_PROMETHEUS.contains(sanitize(key));
    }

    /** Prometheus' label-name sanitising, as Istio applies it to annotation keys: anything else becomes '_'. */
    static String sanitize(String key) {
        return key.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String variant(ObjectNode annotations, String sanitized) {
        String key = variantKey(annotations, sanitized);
        return key == null ? null : annotations.get(key).asString("");
    }

    /** The annotation's key that Istio's sanitizing reads as {@code sanitized}; null when none. */
    private static String variantKey(ObjectNode annotations, String sanitized) {
        for (String key : annotations.propertyNames()) {
            if (sanitize(key).equals(sanitized)) {
                return key;
            }
        }
        return null;
    }

    private static boolean goBool(String value, boolean fallback) {
        Boolean parsed = goBool(value);
        return parsed == null ? fallback : parsed;
    }

    /** Go's {@code strconv.ParseBool}, which Istio reads its boolean annotations with; null when it is none. */
    static Boolean goBool(String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> null;
        };
    }

    private static String text(ObjectNode annotations, String key) {
        JsonNode value = annotations.get(key);
        return value == null ? null : value.asString("");
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static void addLabel(ObjectNode labels, String key, String value, List<String> added) {
        if (!labels.has(key)) {
            labels.put(key, value);
            added.add(key);
        }
    }

    private static void setAnnotation(ObjectNode annotations, String key, String value, List<String> added,
                                      Map<String, String> before) {
        JsonNode old = annotations.get(key);
        if (old == null) {
            if (!before.containsKey(key)) {
                added.add(key);
            }
        } else if (!old.asString("").equals(value)) {
            before.putIfAbsent(key, old.asString(""));
        }
        annotations.put(key, value);
    }

    /** Sets the value of a template env entry; a null value removes it, as the template leaves it out. */
    private static void setEnv(ObjectNode proxy, String name, String value) {
        ArrayNode env = Json.arrayAt(proxy, "env");
        for (int i = 0; i < env.size(); i++) {
            if (name.equals(env.get(i).path("name").asString(null)) && env.get(i) instanceof ObjectNode entry) {
                if (value == null) {
                    env.remove(i);
                } else {
                    entry.put("value", value);
                }
                return;
            }
        }
    }

    /** A container port as Go's JSON of Kubernetes' ContainerPort: known fields, in order, zero values left out. */
    private static String portJson(JsonNode port) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        if (!port.path("name").asString("").isEmpty()) {
            fields.put("name", port.get("name"));
        }
        if (port.path("hostPort").isIntegralNumber() && port.get("hostPort").longValue() != 0) {
            fields.put("hostPort", port.get("hostPort"));
        }
        fields.put("containerPort", port.path("containerPort").isIntegralNumber() ? port.get("containerPort")
                : Json.integer(0));
        for (String key : List.of("protocol", "hostIP")) {
            if (!port.path(key).asString("").isEmpty()) {
                fields.put(key, port.get(key));
            }
        }
        return GoJson.write(fields);
    }
}
