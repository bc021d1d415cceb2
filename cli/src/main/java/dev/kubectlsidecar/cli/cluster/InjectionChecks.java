package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import dev.kubectlsidecar.injector.state.PodProblem;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The injection path end to end: a server-side dry-run pod, then what the pods of enabled namespaces really run. */
final class InjectionChecks {
    static final String GROUP = "injection";

    private InjectionChecks() {
    }

    static List<CheckResult> run(KubernetesClient client, String namespaceOrNull) {
        List<CheckResult> results = new ArrayList<>();
        SortedSet<String> revisions = WebhookSelection.revisions(ClusterInjectionConfig.load(client));
        List<Namespace> enabledNamespaces = AgentWebhooks.enabledNamespaces(client, revisions);
        List<String> enabled = enabledNamespaces.stream().map(Namespace::getMetadata).map(m -> m.getName()).sorted().toList();
        String target = namespaceOrNull != null ? namespaceOrNull : enabled.isEmpty() ? "default" : enabled.get(0);
        results.add(dryRun(client, target, revisions));
        if (enabled.isEmpty()) {
            results.add(CheckResult.ok(GROUP, "no namespace has injection enabled yet (kubectl sidecar enable NAMESPACE)"));
        }
        results.addAll(otherInjectors(client, enabledNamespaces, namespaceOrNull));
        StatusSource.Snapshot snapshot = new StatusSource(client).fetch(namespaceOrNull, null, null);
        results.add(podsLacking(snapshot.pods(), PodSidecarState::missing, "pod should have a sidecar but has none",
                "pods should have a sidecar but have none", "no pod lacks its sidecar", missingHint(snapshot.pods())));
        results.add(podsLacking(snapshot.pods(), PodSidecarState::stale, "pod runs a stale sidecar", "pods run a stale sidecar",
                "no stale sidecars", "kubectl sidecar rollout --stale restarts their workloads (--dry-run first to see which)"));
        results.add(podsLacking(snapshot.pods(), p -> p.problems().contains(PodProblem.IPTABLES_MISMATCH),
                "pod has iptables rules that differ from what its sidecar needs",
                "pods have iptables rules that differ from what their sidecar needs", "no iptables mismatches",
                "kubectl sidecar status -A -o wide shows them; recreating a pod runs istio-init again"));
        results.add(podsLacking(snapshot.pods(), PodSidecarState::proxyBypass,
                "pod has app containers running as the proxy's UID or GID: their traffic bypasses the proxy",
                "pods have app containers running as the proxy's UID or GID: their traffic bypasses the proxy",
                "no app container runs as the proxy's UID or GID",
                "run those containers as another user and group (securityContext.runAsUser/runAsGroup)"));
        results.add(podsLacking(snapshot.pods(), p -> p.injected() && p.has(ReasonCode.NO_TRAFFIC_CAPTURED),
                "pod captures no traffic: their traffic.sidecar.istio.io annotations let everything bypass the proxy",
                "pods capture no traffic: their traffic.sidecar.istio.io annotations let everything bypass the proxy",
                "every injected pod captures some traffic",
                "fix the pods' traffic.sidecar.istio.io annotations (kubectl sidecar status -A shows which)"));
        results.add(podsLacking(snapshot.pods(), PodSidecarState::heldByProxy,
                "pod has finished its job but its classic sidecar keeps it running",
                "pods have finished their job but their classic sidecar keeps them running",
                "no finished job pod is kept running by its proxy",
                "POST 127.0.0.1:15000/quitquitquit from the app when done, or use native sidecars (Kubernetes ≥ 1.29)"));
        return results;
    }

    private static CheckResult dryRun(KubernetesClient client, String namespace, SortedSet<String> revisions) {
        // Labelled to opt in (to the agent's revision, when it has one), so the dry run reaches the webhook whether
        // or not the namespace is enabled.
        Map<String, String> optIn = revisions.isEmpty() ? Map.of(InjectionPolicy.INJECT_KEY, "true")
                : Map.of(InjectionPolicy.INJECT_KEY, "true", WebhookSelection.REVISION_LABEL, revisions.first());
        Pod probe = new PodBuilder().withNewMetadata().withGenerateName("kubectl-sidecar-verify-").withNamespace(namespace)
                .addToLabels(optIn).endMetadata().withNewSpec().addNewContainer().withName("probe").withImage("registry.k8s.io/pause:3.10")
                .endContainer().endSpec().build();
        try {
            Pod result = client.pods().inNamespace(namespace).resource(probe).dryRun().create();
            boolean injected = Stream.concat(result.getSpec().getContainers().stream(),
                            result.getSpec().getInitContainers() == null ? Stream.empty() : result.getSpec().getInitContainers().stream())
                    .map(Container::getName).anyMatch("istio-proxy"::equals);
            return injected
                    ? CheckResult.ok(GROUP, "a dry-run pod in namespace " + namespace + " comes back injected")
                    : CheckResult.fail(GROUP, "a dry-run pod in namespace " + namespace + " comes back without a sidecar",
                            withoutSidecarHint(client));
        } catch (KubernetesClientException e) {
            if (SlowRequest.timedOut(e)) { // the API server is slow, not the agent: the command says so in one line
                throw SlowRequest.named("dry-run create of a pod in namespace " + namespace, e);
            }
            String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            return CheckResult.fail(GROUP, "a dry-run pod in namespace " + namespace + " was refused: " + message.split("\n")[0],
                    refusalHint(client, message));
        }
    }

    /** The cause of a refused dry run, from the API server's error, and its fix; another webhook's failure says whose. */
    static String refusalHint(KubernetesClient client, String message) {
        WebhookCallFailure cause = WebhookCallFailure.classify(message);
        String webhook = WebhookCallFailure.webhookName(message);
        var configuration = WebhookConfigurations.agents(client);
        boolean ours = webhook == null || configuration != null && configuration.getWebhooks() != null
                && configuration.getWebhooks().stream().anyMatch(w -> webhook.equals(w.getName()));
        if (!ours) {
            return cause.cause.replace("the agent", "webhook " + webhook) + ": webhook " + webhook
                    + " is not the agent's; pods cannot be created until it answers (kubectl get mutatingwebhookconfigurations,"
                    + "validatingwebhookconfigurations)";
        }
        return cause.cause + ": " + cause.fix;
    }

    private static List<CheckResult> otherInjectors(KubernetesClient client, List<Namespace> enabled, String namespaceOrNull) {
        List<CheckResult> results = new ArrayList<>();
        List<OtherInjectors.Overlap> overlaps = OtherInjectors.overlapping(client, enabled);
        results.add(overlaps.isEmpty()
                ? CheckResult.ok(GROUP, "no other sidecar injector (Istio, Linkerd, Kuma) matches the pods of enabled namespaces")
                : CheckResult.warn(GROUP, Plural.of(overlaps.size(), "other injector webhook matches",
                        "other injector webhooks match") + " the same pods", OtherInjectors.ADVICE)
                        .withDetails(overlaps.stream().map(OtherInjectors.Overlap::describe).toList()));
        var pods = namespaceOrNull == null ? client.pods().inAnyNamespace().list() : client.pods().inNamespace(namespaceOrNull).list();
        List<String> foreign = OtherInjectors.foreignSidecars(pods.getItems());
        if (!foreign.isEmpty()) {
            results.add(CheckResult.warn(GROUP, Plural.of(foreign.size(), "pod runs a sidecar", "pods run sidecars")
                    + " another injector added", "kubectl-sidecar leaves them as they are; where its namespace is enabled too, "
                    + "a new pod would get both: use one injector per namespace").withDetails(foreign));
        }
        return results;
    }

    /** Pods lacking their sidecar are fixed by a restart, unless no webhook configuration would inject them. */
    private static String missingHint(List<PodSidecarState> pods) {
        if (pods.stream().anyMatch(p -> p.has(ReasonCode.NO_WEBHOOK_CONFIGURATION))) {
            return "no webhook configuration is installed: run `kubectl sidecar install`, then `kubectl sidecar rollout --missing`";
        }
        return "kubectl sidecar rollout --missing restarts their workloads (--dry-run first to see which)";
    }

    /**
     * Why the dry-run pod came back without a sidecar: no configuration at all, or under failurePolicy Ignore an agent
     * that does not answer (it looks like a pod the webhook did not select), or the selectors.
     */
    private static String withoutSidecarHint(KubernetesClient client) {
        String selectors = "check the webhook's selectors: kubectl get mutatingwebhookconfiguration "
                + AgentNames.WEBHOOK_CONFIGURATION + " -o yaml";
        return switch (WebhookConfigurations.presence(WebhookConfigurations.agents(client))) {
            case ABSENT -> "no webhook configuration is installed: run `kubectl sidecar install`";
            case IGNORE -> "failurePolicy is Ignore: the API server skips the webhook when the agent does not answer; "
                    + "is it up? kubectl -n " + AgentNames.NAMESPACE + " get pods; if it is, " + selectors;
            case FAIL, UNKNOWN -> selectors;
        };
    }

    private static CheckResult podsLacking(List<PodSidecarState> pods, Predicate<PodSidecarState> problem, String one,
                                           String many, String fine, String hint) {
        List<String> affected = pods.stream().filter(problem)
                .map(p -> p.namespace() + "/" + p.name() + (p.lastMessage() == null ? "" : ": " + p.lastMessage()))
                .toList();
        if (affected.isEmpty()) {
            return CheckResult.ok(GROUP, fine);
        }
        return CheckResult.warn(GROUP, Plural.of(affected.size(), one, many), hint)
                .withDetails(affected);
    }
}
