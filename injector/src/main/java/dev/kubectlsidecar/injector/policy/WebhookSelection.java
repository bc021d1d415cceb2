package dev.kubectlsidecar.injector.policy;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.config.Profile;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Whether the API server sends a pod to the agent's webhooks, from its namespace's labels and its own, with the
 * selectors of Istio's chart ({@code istio-discovery/templates/mutatingwebhook.yaml}). Without a named revision the
 * agent has Istio's default-revision pair: {@code namespace.*} (namespace {@code istio-injection=enabled}) and
 * {@code object.*} (pod {@code sidecar.istio.io/inject=true} where neither the namespace nor the pod carries
 * {@code istio-injection} or {@code istio.io/rev}). When the config names revisions (a profile's
 * {@code mesh.revision}), the agent is those revisions and has Istio's revision pair instead: {@code rev.namespace.*}
 * (namespace {@code istio.io/rev} naming one, without {@code istio-injection}) and {@code rev.object.*} (pod
 * {@code istio.io/rev} naming one, in a namespace with neither label). {@code istio-injection} on a namespace wins
 * over {@code istio.io/rev}; both pairs leave out pods labelled {@code sidecar.istio.io/inject=false}, which the
 * policy's later rules skip anyway. The install manifests (cli: {@code AgentWebhooks}) write these selectors;
 * a cli test checks them against this class over every combination of labels.
 */
public final class WebhookSelection {
    public static final String REVISION_LABEL = "istio.io/rev";

    private WebhookSelection() {
    }

    /** The revisions the config names (profiles' {@code mesh.revision}, the default revision left out), sorted. */
    public static SortedSet<String> revisions(InjectionConfig config) {
        SortedSet<String> revisions = new TreeSet<>();
        config.profiles().values().stream().map(Profile::mesh).filter(Objects::nonNull)
                .map(MeshSettings::revision).filter(revision -> !revision.isEmpty()).forEach(revisions::add);
        return revisions;
    }

    /**
     * Why the webhooks cannot serve this config's revisions as the engine injects them (empty when they can): a pod
     * selected by {@code istio.io/rev} gets the default profile (or the one it names), whatever revision selected it,
     * so the one revision the webhooks may select for is the default profile's.
     */
    public static Optional<String> unservable(InjectionConfig config) {
        SortedSet<String> revisions = revisions(config);
        if (revisions.isEmpty()) {
            return Optional.empty();
        }
        MeshSettings mesh = config.profile(config.defaultProfile()).mesh();
        String defaultRevision = mesh == null ? "" : mesh.revision();
        if (revisions.size() > 1) {
            return Optional.of("the config names revisions " + String.join(", ", revisions) + ": a pod selected by istio.io/rev gets "
                    + "the default profile (" + config.defaultProfile() + ") whatever revision selected it, so one revision, "
                    + "named on the default profile, is what the agent serves");
        }
        if (!revisions.first().equals(defaultRevision)) {
            return Optional.of("the config names revision " + revisions.first() + ", but not on its default profile ("
                    + config.defaultProfile() + "): pods selected by istio.io/rev=" + revisions.first() + " would get "
                    + config.defaultProfile() + "'s sidecar; set defaultProfile to the profile that names the revision");
        }
        return Optional.empty();
    }

    /** Whether a namespace's labels turn injection on for the agent (what {@code enable} sets). */
    public static boolean enabled(Map<String, String> namespaceLabels, SortedSet<String> revisions) {
        String injection = namespaceLabels.get(NamespaceInfo.INJECTION_LABEL);
        if (revisions.isEmpty()) {
            return "enabled".equals(injection);
        }
        String revision = namespaceLabels.get(REVISION_LABEL);
        return injection == null && revision != null && revisions.contains(revision);
    }

    /**
     * The webhook's verdict: {@link Decision#inject() inject} with the reason it selects the pod (none for
     * {@code object.*}: the pod's opt-in says it), or a skip saying why none does.
     */
    static Decision select(JsonNode pod, NamespaceInfo namespace, SortedSet<String> revisions) {
        Map<String, String> labels = namespace.labels();
        String injection = labels.get(NamespaceInfo.INJECTION_LABEL);
        String namespaceRevision = labels.get(REVISION_LABEL);
        JsonNode podLabels = pod.path("metadata").path("labels");
        String podRevision = podLabels.path(REVISION_LABEL).asString(null);
        if ("disabled".equals(injection)) {
            return Decision.skip(List.of(Reason.namespaceDisabled()));
        }
        if (revisions.isEmpty()) {
            if ("enabled".equals(injection)) {
                return Decision.inject(List.of(Reason.namespaceEnabled()));
            }
            if (injection == null && namespaceRevision != null) {
                return Decision.skip(List.of(Reason.revisionNotServed("namespace label", namespaceRevision, revisions)));
            }
            if (injection != null || !"true".equals(podLabels.path(InjectionPolicy.INJECT_KEY).asString(null))) {
                return Decision.skip(List.of(Reason.namespaceNotLabelled(namespace.name())));
            }
            if (podRevision != null) {
                return Decision.skip(List.of(Reason.revisionNotServed("pod label", podRevision, revisions)));
            }
            return Decision.inject(List.of());
        }
        if (injection != null) {
            return Decision.skip(List.of(Reason.defaultRevisionLabel(injection, revisions)));
        }
        if (namespaceRevision != null) {
            return revisions.contains(namespaceRevision) ? Decision.inject(List.of(Reason.namespaceRevision(namespaceRevision)))
                    : Decision.skip(List.of(Reason.revisionNotServed("namespace label", namespaceRevision, revisions)));
        }
        if (podRevision != null) {
            return revisions.contains(podRevision) ? Decision.inject(List.of(Reason.podRevision(podRevision)))
                    : Decision.skip(List.of(Reason.revisionNotServed("pod label", podRevision, revisions)));
        }
        return Decision.skip(List.of(Reason.noRevisionLabel(namespace.name(), revisions)));
    }
}
