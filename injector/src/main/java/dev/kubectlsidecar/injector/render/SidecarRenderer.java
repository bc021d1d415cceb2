package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adds the sidecar to a pod's JSON tree as received, and takes it away again. Works on copies: the caller's
 * tree is never changed. Never round-trips the pod through a typed model, so fields it does not know survive.
 */
public final class SidecarRenderer {
    public static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";
    public static final String TEMPLATE_HASH = "kubectl-sidecar/template-hash";
    public static final String OVERRIDES = "proxy.istio.io/overrides";
    /** The cluster autoscaler evicts a pod with emptyDir volumes only when this lists them all (autoscaler#3947). */
    public static final String SAFE_TO_EVICT_LOCAL_VOLUMES = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
    private static final String INIT_CONTAINERS = "initContainers";
    private static final String CONTAINERS = "containers";

    private SidecarRenderer() {
    }

    /**
     * Injects {@code parts} into {@code out}, in place: pass a copy you own (such as {@link #uninject}'s result),
     * which must carry no injection record. A pod's own {@code istio-init}/{@code istio-proxy} container is merged
     * over ours ({@link ContainerOverride}), and refused when it loosens our security ({@link SidecarOverrideCheck}).
     *
     * @param imageOverrideAllowed whether a pod's own sidecar container may choose the image (the config's
     *     {@code allowImageOverride})
     * @param warnings receives what of the pod's own sidecar containers was ignored
     * @throws MalformedPodException when the pod cannot be injected, naming the field
     */
    public static ObjectNode injectInto(ObjectNode out, SidecarParts parts, String profile, boolean imageOverrideAllowed,
                                        List<String> warnings) {
        ObjectNode spec = spec(out);
        ArrayNode containers = (ArrayNode) spec.get(CONTAINERS);
        CreatedFields created = new CreatedFields();
        ObjectNode metadata = created.object(out, "metadata", "metadata");
        ObjectNode annotations = created.object(metadata, "annotations", "metadata.annotations");
        ArrayNode initContainers = created.array(spec, INIT_CONTAINERS, "spec." + INIT_CONTAINERS);

        Map<String, String> fields = new LinkedHashMap<>();
        for (String name : List.of(SidecarParts.INIT_NAME, SidecarParts.PROXY_NAME)) {
            fields.put(name, fieldOf(spec, name));
        }
        Map<String, String> positions = new LinkedHashMap<>();
        ObjectNode overrides = Json.object();
        ObjectNode userInit = takeOwn(spec, SidecarParts.INIT_NAME, positions, overrides);
        ObjectNode userProxy = takeOwn(spec, SidecarParts.PROXY_NAME, positions, overrides);
        ObjectNode init = userInit == null ? parts.initContainer()
                : override(parts.initContainer(), userInit, fields.get(SidecarParts.INIT_NAME), spec, imageOverrideAllowed, warnings);
        ObjectNode proxy = userProxy == null ? parts.proxyContainer()
                : override(parts.proxyContainer(), userProxy, fields.get(SidecarParts.PROXY_NAME), spec, imageOverrideAllowed, warnings);

        List<String> added = new ArrayList<>();
        if (!annotations.has(DEFAULT_CONTAINER) && !containers.isEmpty()) {
            annotations.put(DEFAULT_CONTAINER, containers.get(0).path("name").asString());
            added.add(DEFAULT_CONTAINER);
        }
        List<String> initNames = new ArrayList<>();
        List<String> containerNames = new ArrayList<>();
        if (parts.nativeSidecar()) {
            initContainers.insert(0, init.deepCopy());
            initContainers.insert(1, proxy.deepCopy());
            initNames.add(SidecarParts.INIT_NAME);
            initNames.add(SidecarParts.PROXY_NAME);
        } else {
            initContainers.add(init.deepCopy());
            if (parts.proxyFirst()) {
                containers.insert(0, proxy.deepCopy());
            } else {
                containers.add(proxy.deepCopy());
            }
            initNames.add(SidecarParts.INIT_NAME);
            containerNames.add(SidecarParts.PROXY_NAME);
        }
        List<String> volumeNames = addVolumes(spec, parts, created);
        Map<String, String> replaced = new LinkedHashMap<>();
        markEvictable(annotations, parts, volumeNames, added, replaced);
        if (!overrides.isEmpty()) {
            annotations.put(OVERRIDES, JsonText.writeJson(overrides));
        }
        annotations.put(TEMPLATE_HASH, parts.templateHash());
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put(SidecarParts.INIT_NAME, userInit == null ? parts.containerDigests().get(SidecarParts.INIT_NAME)
                : ProgramDigests.of(init));
        digests.put(SidecarParts.PROXY_NAME, userProxy == null ? parts.containerDigests().get(SidecarParts.PROXY_NAME)
                : ProgramDigests.of(proxy));
        InjectionRecord record = new InjectionRecord(initNames, containerNames, volumeNames, profile, added,
                created.paths(), positions, digests, replaced);
        annotations.put(InjectionRecord.ANNOTATION, record.toJson());
        return out;
    }

    /**
     * A copy of {@code pod} without what its injection record says was added; an uninjected pod is copied as is.
     * Own containers the record says were merged into ours come back as the pod author wrote them: unchecked, so
     * a caller that returns them checks them first ({@code InjectionEngine#uninject}, or a reinjection).
     *
     * @throws InvalidAnnotationException when the record lists what injection does not add ({@link RecordCheck})
     */
    public static ObjectNode uninject(ObjectNode pod) {
        ObjectNode out = pod.deepCopy();
        InjectionRecord record = InjectionRecord.read(out).orElse(null);
        if (record == null) {
            return out;
        }
        RecordCheck.check(pod, record);
        ObjectNode spec = out.get("spec") instanceof ObjectNode s ? s : Json.object();
        IstioUndo.restoreProbes(out, spec, record);
        JsonNode prometheusEnv = IstioUndo.prometheusEnv(spec, record);
        removeNamed(spec.get(INIT_CONTAINERS), record.initContainers());
        removeNamed(spec.get(CONTAINERS), record.containers());
        removeNamed(spec.get("volumes"), record.volumes());
        ObjectNode annotations = (ObjectNode) out.get("metadata").get("annotations");
        restoreOwn(spec, annotations.get(OVERRIDES), record);
        annotations.remove(List.of(InjectionRecord.ANNOTATION, TEMPLATE_HASH, OVERRIDES));
        annotations.remove(record.addedAnnotations());
        IstioUndo.undoMetadata(out, spec, record, prometheusEnv);
        CreatedFields.undo(out, record.createdFields());
        RecordCheck.leavesAppContainers(pod, out);
        return out;
    }

    /** Whether the pod has its own {@code istio-init} or {@code istio-proxy} container (in either list). */
    public static boolean hasOwnSidecar(ObjectNode pod) {
        return pod.get("spec") instanceof ObjectNode spec
                && (fieldOf(spec, SidecarParts.INIT_NAME) != null || fieldOf(spec, SidecarParts.PROXY_NAME) != null);
    }

    private static ObjectNode spec(ObjectNode pod) {
        if (!(pod.get("spec") instanceof ObjectNode spec)) {
            throw new MalformedPodException("spec", "must be a mapping with the pod's containers");
        }
        if (!(spec.get(CONTAINERS) instanceof ArrayNode containers) || containers.isEmpty()) {
            throw new MalformedPodException("spec.containers", "must be a non-empty list");
        }
        for (int i = 0; i < containers.size(); i++) {
            if (!containers.get(i).isObject() || !containers.get(i).path("name").isString()) {
                throw new MalformedPodException("spec.containers[" + i + "]", "must be a container with a name");
            }
        }
        if (spec.get(INIT_CONTAINERS) != null && !spec.get(INIT_CONTAINERS).isArray() && !spec.get(INIT_CONTAINERS).isNull()) {
            throw new MalformedPodException("spec.initContainers", "must be a list");
        }
        if (spec.get("volumes") != null && !spec.get("volumes").isArray() && !spec.get("volumes").isNull()) {
            throw new MalformedPodException("spec.volumes", "must be a list");
        }
        return spec;
    }

    private static ObjectNode override(ObjectNode ours, ObjectNode user, String field, ObjectNode spec,
                                       boolean imageOverrideAllowed, List<String> warnings) {
        if (SidecarParts.INIT_NAME.equals(ours.path("name").asString(null))) {
            OwnInitContainer.check(ours, user, field);
        }
        ObjectNode merged = ContainerOverride.merge(ours, user, imageOverrideAllowed, warnings);
        SidecarOverrideCheck.check(ours, merged, field, spec.get("volumes"));
        return merged;
    }

    /** Where the pod's own container of that name stands, e.g. {@code spec.containers[1]}; null when it has none. */
    private static String fieldOf(ObjectNode spec, String name) {
        for (String list : List.of(INIT_CONTAINERS, CONTAINERS)) {
            JsonNode items = spec.path(list);
            for (int i = 0; i < items.size(); i++) {
                if (name.equals(items.get(i).path("name").asString(null))) {
                    return "spec." + list + "[" + i + "]";
                }
            }
        }
        return null;
    }

    /** Removes the user's own container of that name (from either list), remembering it and where it stood. */
    private static ObjectNode takeOwn(ObjectNode spec, String name, Map<String, String> positions, ObjectNode overrides) {
        for (String list : List.of(INIT_CONTAINERS, CONTAINERS)) {
            if (spec.get(list) instanceof ArrayNode items) {
                for (int i = 0; i < items.size(); i++) {
                    if (name.equals(items.get(i).path("name").asString(null)) && items.get(i) instanceof ObjectNode own) {
                        items.remove(i);
                        positions.put(name, list + "/" + i);
                        Json.arrayAt(overrides, list).add(own);
                        return own;
                    }
                }
            }
        }
        return null;
    }

    private static void restoreOwn(ObjectNode spec, JsonNode overridesText, InjectionRecord record) {
        if (overridesText == null || record.overriddenPositions().isEmpty()) {
            return;
        }
        JsonNode overrides;
        try {
            overrides = JsonText.readJson(overridesText.asString(""));
        } catch (JacksonException e) {
            throw new InvalidAnnotationException(OVERRIDES, overridesText.asString(""), "must be the JSON written by the injector");
        }
        // Undo the takes in reverse: the proxy was taken after the init container, so its position assumes
        // the init container was already gone.
        for (String name : List.of(SidecarParts.PROXY_NAME, SidecarParts.INIT_NAME)) {
            String position = record.overriddenPositions().get(name);
            if (position == null) {
                continue;
            }
            String list = position.substring(0, position.indexOf('/'));
            for (JsonNode own : overrides.path(list)) {
                if (name.equals(own.path("name").asString(null))) {
                    ArrayNode items = Json.arrayAt(spec, list);
                    items.insert(Math.min(index(position), items.size()), own);
                }
            }
        }
    }

    private static int index(String position) {
        return Integer.parseInt(position.substring(position.indexOf('/') + 1));
    }

    private static List<String> addVolumes(ObjectNode spec, SidecarParts parts, CreatedFields created) {
        ArrayNode volumes = created.array(spec, "volumes", "spec.volumes");
        List<String> names = new ArrayList<>();
        for (ObjectNode volume : parts.volumes()) {
            String name = volume.get("name").asString();
            boolean userHasIt = false;
            for (JsonNode existing : volumes) {
                userHasIt |= name.equals(existing.path("name").asString(null));
            }
            if (!userHasIt) {
                volumes.add(volume.deepCopy());
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Lists the emptyDir volumes injection added (sourceless ones among them) in
     * {@link #SAFE_TO_EVICT_LOCAL_VOLUMES}, after the names the pod
     * already lists there (whose value is remembered for uninject); added afresh when the pod has none.
     */
    private static void markEvictable(ObjectNode annotations, SidecarParts parts, List<String> addedVolumes,
                                      List<String> added, Map<String, String> replaced) {
        List<String> emptyDirs = new ArrayList<>();
        for (ObjectNode volume : parts.volumes()) {
            String name = volume.get("name").asString();
            if (SidecarTemplate.emptyDir(volume) && addedVolumes.contains(name)) {
                emptyDirs.add(name);
            }
        }
        if (emptyDirs.isEmpty()) {
            return;
        }
        JsonNode existing = annotations.get(SAFE_TO_EVICT_LOCAL_VOLUMES);
        if (existing == null || !existing.isString() || existing.asString().isBlank()) {
            if (existing != null) {
                replaced.put(SAFE_TO_EVICT_LOCAL_VOLUMES, existing.isString() ? existing.asString() : "");
            } else {
                added.add(SAFE_TO_EVICT_LOCAL_VOLUMES);
            }
            annotations.put(SAFE_TO_EVICT_LOCAL_VOLUMES, String.join(",", emptyDirs));
            return;
        }
        String original = existing.asString();
        List<String> listed = new ArrayList<>();
        for (String name : original.split(",")) {
            listed.add(name.strip());
        }
        StringBuilder merged = new StringBuilder(original);
        for (String name : emptyDirs) {
            if (!listed.contains(name)) {
                merged.append(',').append(name);
            }
        }
        if (merged.length() != original.length()) {
            replaced.put(SAFE_TO_EVICT_LOCAL_VOLUMES, original);
            annotations.put(SAFE_TO_EVICT_LOCAL_VOLUMES, merged.toString());
        }
    }

    private static void removeNamed(JsonNode list, List<String> names) {
        if (list instanceof ArrayNode items) {
            for (int i = items.size() - 1; i >= 0; i--) {
                String name = items.get(i).path("name").asString(null);
                if (name != null && names.contains(name)) {
                    items.remove(i);
                }
            }
        }
    }
}
