package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.traffic.InitScript;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides whether an injection record ({@code sidecar.istio.io/status}) may be acted on. The record is an
 * annotation the pod author can write, so uninject (and reinjection) removes only what the record lists
 * <em>and</em> what is recognisably injected:
 * <ul>
 * <li>containers named {@code istio-init}/{@code istio-proxy} whose command and args hash to the digest the record
 * holds for them, or, for our records without digests (older ones), that carry a sidecar's signature: our
 * init script, Envoy run with our bootstrap, or Istio's {@code istio-iptables}/{@code pilot-agent proxy};</li>
 * <li>volumes named and shaped as one of ours (the API server's defaults aside);</li>
 * <li>only the annotations, labels and fields injection ever creates (the {@code istio} profile's among them), and
 * only the annotations it replaces to give back.</li>
 * </ul>
 * A record without our member is istiod's (or a forgery of it): it holds up only when it lists no more than Istio's
 * template adds ({@link IstiodAdditions}) and every container it lists is in the pod with Istio's signature, its
 * proxy among them. Anything else is an error naming the record, never a silent deletion.
 */
final class RecordCheck {
    private static final Set<String> INIT_CONTAINERS = Set.of(SidecarParts.INIT_NAME, SidecarParts.PROXY_NAME);
    private static final Set<String> CONTAINERS = Set.of(SidecarParts.PROXY_NAME);
    private static final Set<String> ANNOTATIONS = Set.of(SidecarRenderer.DEFAULT_CONTAINER,
            SidecarRenderer.SAFE_TO_EVICT_LOCAL_VOLUMES, IstioPodFields.REVISION, IstioPodFields.DEFAULT_LOGS_CONTAINER,
            IstioPodFields.PROMETHEUS_PORT, IstioPodFields.PROMETHEUS_PATH, IstioPodFields.PROMETHEUS_SCRAPE);
    private static final Set<String> LABELS = Set.of(IstioPodFields.TLS_MODE, IstioPodFields.CANONICAL_NAME,
            IstioPodFields.CANONICAL_REVISION);
    private static final Set<String> CREATED = Set.of("metadata", "metadata.annotations", "metadata.labels",
            "spec.initContainers", "spec.volumes");
    private static final Map<String, ObjectNode> VOLUMES = SidecarTemplate.everyVolume();
    private static final String NULL_SUFFIX = ":null";

    private RecordCheck() {
    }

    /**
     * @param pod the pod carrying the record
     * @throws InvalidAnnotationException naming the record and what of it does not match the pod
     */
    static void check(JsonNode pod, InjectionRecord record) {
        JsonNode spec = pod.path("spec");
        String shown = shown(pod);
        if (record.ours()) {
            containers(spec, "initContainers", record.initContainers(), INIT_CONTAINERS, record, shown);
            containers(spec, "containers", record.containers(), CONTAINERS, record, shown);
        } else {
            istiodsNames("initContainers", record.initContainers(), IstiodAdditions.INIT_CONTAINERS, INIT_CONTAINERS,
                    shown);
            istiodsNames("containers", record.containers(), IstiodAdditions.CONTAINERS, CONTAINERS, shown);
        }
        for (String name : record.volumes()) {
            ObjectNode ours = record.ours() ? VOLUMES.get(name) : IstiodAdditions.volume(name, pod);
            if (ours == null) {
                throw refused(shown, "lists volume " + name + ", which is not one injection adds");
            }
            for (JsonNode volume : spec.path("volumes")) {
                if (name.equals(volume.path("name").asString(null)) && !sameVolume(ours, volume)) {
                    throw refused(shown, "lists volume " + name + ", but the pod's volume " + name
                            + " is not the one injection adds");
                }
            }
        }
        for (String annotation : record.addedAnnotations()) {
            if (!ANNOTATIONS.contains(annotation)) {
                throw refused(shown, "lists annotation " + annotation + ", which injection never adds");
            }
        }
        for (String label : record.addedLabels()) {
            if (!LABELS.contains(label)) {
                throw refused(shown, "lists label " + label + ", which injection never adds");
            }
        }
        for (String annotation : record.annotationsBefore().keySet()) {
            if (!InjectionRecord.restorable(annotation)) {
                throw refused(shown, "gives back annotation " + annotation + ", which injection never replaces");
            }
        }
        for (String field : record.createdFields()) {
            String path = field.endsWith(NULL_SUFFIX) ? field.substring(0, field.length() - NULL_SUFFIX.length()) : field;
            if (!CREATED.contains(path)) {
                throw refused(shown, "lists field " + field + ", which injection never creates");
            }
        }
        if (!record.ours()) {
            istiodsSidecar(spec, record, shown);
        }
    }

    /** After the removal: a pod without a container left was not one injection made. */
    static void leavesAppContainers(JsonNode pod, JsonNode uninjected) {
        if (uninjected.path("spec").path("containers").isEmpty()) {
            throw refused(shown(pod), "would leave the pod without containers: injection never adds a pod's only container");
        }
    }

    private static void containers(JsonNode spec, String list, List<String> names, Set<String> allowed,
                                   InjectionRecord record, String shown) {
        JsonNode items = spec.path(list);
        for (String name : names) {
            if (!allowed.contains(name)) {
                throw refused(shown, "lists " + name + " in " + list + ", but injection adds only "
                        + String.join(" and ", allowed.stream().sorted().toList()) + " there");
            }
            for (int i = 0; i < items.size(); i++) {
                JsonNode container = items.get(i);
                if (name.equals(container.path("name").asString(null)) && !injected(container, record)) {
                    throw refused(shown, "lists " + name + ", but spec." + list + "[" + i + "] is not the sidecar "
                            + "injection added (its command and args differ from the injected one's)");
                }
            }
        }
    }

    /** istiod's record lists only what Istio's template adds; the message names ours first, as for our records. */
    private static void istiodsNames(String list, List<String> names, Set<String> allowed, Set<String> ours,
                                     String shown) {
        for (String name : names) {
            if (!allowed.contains(name)) {
                List<String> istiodsOnly = allowed.stream().filter(n -> !ours.contains(n)).sorted().toList();
                throw refused(shown, "lists " + name + " in " + list + ", but injection adds only "
                        + String.join(" and ", ours.stream().sorted().toList()) + " there"
                        + (istiodsOnly.isEmpty() ? "" : " (istiod's also " + String.join(" and ", istiodsOnly) + ")"));
            }
        }
    }

    /**
     * istiod's record describes a sidecar in the pod: its proxy among what it lists, and every container it lists
     * present with Istio's signature (a record on a pod without istiod's sidecar is no record of an injection).
     */
    private static void istiodsSidecar(JsonNode spec, InjectionRecord record, String shown) {
        if (!record.containers().contains(SidecarParts.PROXY_NAME)
                && !record.initContainers().contains(SidecarParts.PROXY_NAME)) {
            throw refused(shown, "lists no " + SidecarParts.PROXY_NAME + ", which istiod's injection always adds");
        }
        for (String list : List.of("initContainers", "containers")) {
            JsonNode items = spec.path(list);
            for (String name : list.equals("containers") ? record.containers() : record.initContainers()) {
                boolean found = false;
                for (int i = 0; i < items.size(); i++) {
                    if (!name.equals(items.get(i).path("name").asString(null))) {
                        continue;
                    }
                    if (!IstiodAdditions.signed(items.get(i))) {
                        throw refused(shown, "lists " + name + ", but spec." + list + "[" + i + "] is not the "
                                + "sidecar injection added (its command and args differ from Istio's)");
                    }
                    found = true;
                }
                if (!found) {
                    throw refused(shown, "lists " + name + " in " + list + ", but the pod has no " + name + " there");
                }
            }
        }
    }

    private static boolean injected(JsonNode container, InjectionRecord record) {
        String recorded = record.digests().get(container.path("name").asString());
        if (recorded != null) {
            return ProgramDigests.matches(container, recorded);
        }
        JsonNode command = container.path("command");
        JsonNode args = container.path("args");
        return switch (container.path("name").asString()) {
            case SidecarParts.INIT_NAME -> command.size() == 3 && "sh".equals(command.get(0).asString(null))
                    && "-c".equals(command.get(1).asString(null)) && InitScript.isOurs(command.get(2).asString(""))
                    || IstiodAdditions.signed(container);
            case SidecarParts.PROXY_NAME -> command.size() == 1 && "envoy".equals(command.get(0).asString(null))
                    && "--config-yaml".equals(args.path(0).asString(null))
                    || IstiodAdditions.signed(container);
            default -> false;
        };
    }

    /**
     * The pod's volume has our source (no other kind of source) with at least our fields: the API server adds
     * defaults ({@code defaultMode}, {@code apiVersion}), and a volume with no source is an emptyDir.
     */
    private static boolean sameVolume(ObjectNode ours, JsonNode volume) {
        if (!(volume instanceof ObjectNode theirs)) {
            return false;
        }
        ObjectNode normalised = sourced(theirs);
        ObjectNode expected = sourced(ours);
        return Set.copyOf(normalised.propertyNames()).equals(Set.copyOf(expected.propertyNames()))
                && contains(normalised, expected);
    }

    /** The volume as the API server stores it: one with no source (only a name) is an emptyDir. */
    private static ObjectNode sourced(ObjectNode volume) {
        ObjectNode copy = volume.deepCopy();
        if (copy.size() == 1) {
            copy.set("emptyDir", Json.object());
        }
        return copy;
    }

    private static boolean contains(JsonNode theirs, JsonNode ours) {
        if (ours instanceof ObjectNode object) {
            if (!(theirs instanceof ObjectNode)) {
                return false;
            }
            for (Iterator<String> it = object.propertyNames().iterator(); it.hasNext(); ) {
                String name = it.next();
                if (!theirs.has(name) || !contains(theirs.get(name), object.get(name))) {
                    return false;
                }
            }
            return true;
        }
        if (ours instanceof ArrayNode array) {
            if (!(theirs instanceof ArrayNode) || theirs.size() != array.size()) {
                return false;
            }
            for (int i = 0; i < array.size(); i++) {
                if (!contains(theirs.get(i), array.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return ours.equals(theirs);
    }

    private static String shown(JsonNode pod) {
        return InjectionRecord.abbreviate(pod.path("metadata").path("annotations").path(InjectionRecord.ANNOTATION)
                .asString(""));
    }

    private static InvalidAnnotationException refused(String shown, String problem) {
        return new InvalidAnnotationException(InjectionRecord.ANNOTATION, shown, problem
                + " (a record is trusted only as far as it matches what injection adds; if the pod was never "
                + "injected, remove the annotation)");
    }
}
