package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.memo.RecentlyUsed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The annotation {@code sidecar.istio.io/status}: what injection added, in Istio's JSON shape
 * ({@code initContainers}, {@code containers}, {@code volumes}, {@code imagePullSecrets}, {@code revision}), so
 * Istio's tools read it, plus a {@code kubectl-sidecar} member (ignored by Istio's decoder) with what uninject needs
 * to give back the exact original: the profile, the annotations and fields injection created, and where a user's
 * own {@code istio-init}/{@code istio-proxy} container stood before it was merged into ours, and a digest of each
 * sidecar container's command and args as injected ({@link RecordCheck} tells our containers from others with it),
 * and the values before of the annotations injection replaced ({@link #restorable}; no other key is ever restored).
 * The annotation is the pod author's to write, so nothing here is trusted before {@link RecordCheck} agrees.
 */
public record InjectionRecord(
        List<String> initContainers,
        List<String> containers,
        List<String> volumes,
        String profile,
        List<String> addedAnnotations,
        List<String> createdFields,
        Map<String, String> overriddenPositions,
        Map<String, String> digests,
        String revision,
        List<String> addedLabels,
        Map<String, String> annotationsBefore,
        Map<String, String> namedPorts,
        boolean ours) {

    public static final String ANNOTATION = "sidecar.istio.io/status";
    private static final String OURS = "kubectl-sidecar";
    private static final String DEFAULT_REVISION = "default";
    /** Records read, by their text: the pods of a workload carry the same one, and status reads each pod's often. */
    static final int REMEMBERED = 64;
    /** Longer texts are read every time, never kept (ours are well under 2 KiB). */
    static final int MAX_REMEMBERED_CHARS = 8 * 1024;
    private static final RecentlyUsed<String, InjectionRecord> READ = new RecentlyUsed<>(REMEMBERED);

    /**
     * @param digests a digest of each sidecar container's command and args as injected, by container name
     * @param revision Istio's {@code revision} member: the istiod revision the sidecar belongs to
     * @param addedLabels the pod labels injection added (the {@code istio} profile's)
     * @param annotationsBefore annotations injection replaced or removed, with their values before (see
     *     {@link #restorable}: only those are ever restored from a record)
     * @param namedPorts status-port paths of rewritten probes whose original named its port ({@link AppProbes})
     * @param ours whether the record has our member: we wrote it; otherwise istiod (or istioctl kube-inject) did
     */
    public InjectionRecord {
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        addedAnnotations = List.copyOf(addedAnnotations);
        createdFields = List.copyOf(createdFields);
        overriddenPositions = Map.copyOf(overriddenPositions);
        digests = Map.copyOf(digests);
        revision = revision == null ? DEFAULT_REVISION : revision;
        addedLabels = List.copyOf(addedLabels);
        annotationsBefore = Map.copyOf(annotationsBefore);
        namedPorts = Map.copyOf(namedPorts);
    }

    public InjectionRecord(List<String> initContainers, List<String> containers, List<String> volumes, String profile,
                           List<String> addedAnnotations, List<String> createdFields,
                           Map<String, String> overriddenPositions, Map<String, String> digests) {
        this(initContainers, containers, volumes, profile, addedAnnotations, createdFields, overriddenPositions,
                digests, DEFAULT_REVISION, List.of(), Map.of(), Map.of(), true);
    }

    /** A record of the sidecar alone, giving back the annotations injection replaced ({@link #restorable}). */
    InjectionRecord(List<String> initContainers, List<String> containers, List<String> volumes, String profile,
                    List<String> addedAnnotations, List<String> createdFields,
                    Map<String, String> overriddenPositions, Map<String, String> digests,
                    Map<String, String> annotationsBefore) {
        this(initContainers, containers, volumes, profile, addedAnnotations, createdFields, overriddenPositions,
                digests, DEFAULT_REVISION, List.of(), annotationsBefore, Map.of(), true);
    }

    /**
     * Whether uninject may give {@code key} back from a record: only an annotation injection itself replaces, the
     * autoscaler's list of evictable volumes in both profiles and the {@code istio} profile's own
     * ({@link IstioPodFields#replaceable}).
     */
    static boolean restorable(String key) {
        return key.equals(SidecarRenderer.SAFE_TO_EVICT_LOCAL_VOLUMES) || IstioPodFields.replaceable(key);
    }

    /** This record with what the {@code istio} profile added per pod on top of the sidecar. */
    InjectionRecord withPodFields(String revision, List<String> labels, List<String> annotations,
                                  Map<String, String> before, List<String> created, Map<String, String> ports) {
        List<String> allAnnotations = new ArrayList<>(addedAnnotations);
        allAnnotations.addAll(annotations);
        List<String> allCreated = new ArrayList<>(createdFields);
        allCreated.addAll(created);
        Map<String, String> allBefore = new LinkedHashMap<>(annotationsBefore);
        allBefore.putAll(before);
        return new InjectionRecord(initContainers, containers, volumes, profile, allAnnotations, allCreated,
                overriddenPositions, digests, revision, labels, allBefore, ports, ours);
    }

    /** The record on the pod, if it was injected (by us or by Istio). */
    public static Optional<InjectionRecord> read(JsonNode pod) {
        JsonNode value = pod.path("metadata").path("annotations").get(ANNOTATION);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String text = value.asString(null);
        if (text == null) {
            throw new InvalidAnnotationException(ANNOTATION, value.toString(), "must be the JSON injection record written by an injector");
        }
        InjectionRecord known = READ.get(text);
        if (known != null) {
            return Optional.of(known);
        }
        InjectionRecord record = parse(text);
        if (text.length() <= MAX_REMEMBERED_CHARS) {
            READ.put(text, record);
        }
        return Optional.of(record);
    }

    /** Whether the record of this text is remembered. */
    static boolean remembers(String text) {
        return READ.contains(text);
    }

    private static InjectionRecord parse(String text) {
        JsonNode json;
        try {
            json = JsonText.readJson(text);
        } catch (JacksonException e) {
            throw new InvalidAnnotationException(ANNOTATION, abbreviate(text),
                    "must be the JSON injection record written by an injector");
        }
        if (!json.isObject()) {
            throw new InvalidAnnotationException(ANNOTATION, abbreviate(text),
                    "must be the JSON injection record written by an injector");
        }
        JsonNode ours = json.path(OURS);
        Map<String, String> positions = new LinkedHashMap<>();
        ours.path("positions").properties().forEach(e -> {
            String position = e.getValue().asString(null);
            if (position != null && position.matches("(initContainers|containers)/\\d{1,4}")) {
                positions.put(e.getKey(), position);
            }
        });
        return new InjectionRecord(names(json.get("initContainers")), names(json.get("containers")),
                names(json.get("volumes")), ours.path("profile").asString(null), names(ours.get("annotations")),
                names(ours.get("created")), positions, strings(ours.get("digests")),
                json.path("revision").asString(DEFAULT_REVISION), names(ours.get("labels")),
                strings(ours.get("before")), strings(ours.get("namedPorts")), ours.isObject());
    }

    /**
     * Checks this record against the pod that carries it ({@link RecordCheck}); only then may it be acted on. A
     * record without our member that holds up is istiod's: its sidecar is in the pod as Istio's template adds it.
     *
     * @throws InvalidAnnotationException naming the record and what of it does not match the pod
     */
    public void check(JsonNode pod) {
        RecordCheck.check(pod, this);
    }

    /** Whether the proxy was injected as a native sidecar (an init container). */
    public boolean nativeSidecar() {
        return initContainers.contains(SidecarParts.PROXY_NAME);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            object.properties().forEach(e -> {
                if (e.getValue().isString()) {
                    out.put(e.getKey(), e.getValue().asString());
                }
            });
        }
        return out;
    }

    private static void putSorted(ObjectNode parent, String field, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode object = parent.putObject(field);
            values.keySet().stream().sorted().forEach(k -> object.put(k, values.get(k)));
        }
    }

    public String toJson() {
        ObjectNode json = Json.object();
        json.set("initContainers", namesOrNull(initContainers));
        json.set("containers", namesOrNull(containers));
        json.set("volumes", namesOrNull(volumes));
        json.putNull("imagePullSecrets");
        json.put("revision", revision);
        ObjectNode ours = json.putObject(OURS);
        ours.put("profile", profile);
        ours.set("annotations", namesOrNull(addedAnnotations));
        ours.set("created", namesOrNull(createdFields));
        putSorted(ours, "positions", overriddenPositions);
        putSorted(ours, "digests", digests);
        if (!addedLabels.isEmpty()) {
            ours.set("labels", namesOrNull(addedLabels));
        }
        putSorted(ours, "before", annotationsBefore);
        putSorted(ours, "namedPorts", namedPorts);
        return JsonText.writeJson(json);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(item -> {
                if (item.isString()) {
                    out.add(item.asString());
                }
            });
        }
        return out;
    }

    private static JsonNode namesOrNull(List<String> names) {
        if (names.isEmpty()) {
            return Json.object().nullNode();
        }
        ArrayNode array = Json.array();
        names.forEach(array::add);
        return array;
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
