package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.traffic.CaptureScope;
import dev.kubectlsidecar.injector.traffic.Verification;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** The injection path end to end: a server-side dry-run pod, then what the pods of enabled namespaces really run. */
final class InjectionChecks {
    static final String GROUP = "injection";

    private InjectionChecks() {
    }

    static List<CheckResult> run(KubernetesClient client, String namespaceOrNull) {
        List<CheckResult> results = new ArrayList<>();
        List<String> enabled = client.namespaces().withLabel(AgentNames.INJECTION_LABEL, "enabled").list().getItems().stream()
                .map(Namespace::getMetadata).map(m -> m.getName()).sorted().toList();
        String target = namespaceOrNull != null ? namespaceOrNull : enabled.isEmpty() ? "default" : enabled.get(0);
        results.add(dryRun(client, target));
        if (enabled.isEmpty()) {
            results.add(CheckResult.ok(GROUP, "no namespace has injection enabled yet (kubectl sidecar enable NAMESPACE)"));
        }
        StatusSource.Snapshot snapshot = new StatusSource(client).fetch(namespaceOrNull, null, null);
        List<PodSidecarState> inEnabled = snapshot.pods().stream()
                .filter(p -> enabled.contains(p.namespace())).toList();
        results.add(podsLacking(inEnabled, p -> !p.injected() && p.reasons().stream().anyMatch(r -> r.endsWith("restart it")),
                "pod in an enabled namespace has no sidecar", "pods in enabled namespaces have no sidecar", "no pod in an enabled namespace lacks its sidecar"));
        results.add(podsLacking(inEnabled, PodSidecarState::stale, "pod runs a stale sidecar", "pods run a stale sidecar", "no stale sidecars"));
        results.add(podsLacking(snapshot.pods(), p -> p.iptables() == Verification.Status.MISMATCH,
                "pod has iptables rules that differ from what its sidecar needs",
                "pods have iptables rules that differ from what their sidecar needs", "no iptables mismatches"));
        results.add(podsLacking(snapshot.pods(), PodSidecarState::proxyBypass,
                "pod has app containers running as the proxy's UID or GID: their traffic bypasses the proxy",
                "pods have app containers running as the proxy's UID or GID: their traffic bypasses the proxy",
                "no app container runs as the proxy's UID or GID",
                "run those containers as another user and group (securityContext.runAsUser/runAsGroup)"));
        results.add(podsLacking(snapshot.pods(), p -> p.injected() && p.reasons().stream()
                        .anyMatch(r -> r.startsWith(CaptureScope.NOTHING_CAPTURED)),
                "pods capture no traffic: their traffic.sidecar.istio.io annotations let everything bypass the proxy",
                "every injected pod captures some traffic",
                "fix the pods' traffic.sidecar.istio.io annotations (kubectl sidecar status -A shows which)"));
        return results;
    }

    private static CheckResult dryRun(KubernetesClient client, String namespace) {
        // Labelled to opt in, so the dry run reaches the webhook whether or not the namespace is enabled.
        Pod probe = new PodBuilder().withNewMetadata().withGenerateName("kubectl-sidecar-verify-").withNamespace(namespace)
                .addToLabels("sidecar.istio.io/inject", "true").endMetadata().withNewSpec().addNewContainer().withName("probe").withImage("registry.k8s.io/pause:3.10")
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
                    "the agent is not answering the API server: kubectl -n " + AgentNames.NAMESPACE + " get pods; kubectl -n "
                            + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT);
        }
    }

    /** Under failurePolicy Ignore an agent that does not answer looks like a pod the webhook did not select. */
    private static String withoutSidecarHint(KubernetesClient client) {
        String selectors = "check the webhook's selectors: kubectl get mutatingwebhookconfiguration "
                + AgentNames.WEBHOOK_CONFIGURATION + " -o yaml";
        MutatingWebhookConfiguration configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(AgentNames.WEBHOOK_CONFIGURATION).get();
        boolean failsOpen = configuration != null && configuration.getWebhooks() != null
                && configuration.getWebhooks().stream().anyMatch(webhook -> "Ignore".equals(webhook.getFailurePolicy()));
        return failsOpen ? "failurePolicy is Ignore: the API server skips the webhook when the agent does not answer; "
                + "is it up? kubectl -n " + AgentNames.NAMESPACE + " get pods; if it is, " + selectors : selectors;
    }

    private static CheckResult podsLacking(List<PodSidecarState> pods, Predicate<PodSidecarState> problem, String one,
                                           String many, String fine) {
        return podsLacking(pods, problem, one, many, fine, "kubectl sidecar status -A shows them; restart their workloads");
    }

    private static CheckResult podsLacking(List<PodSidecarState> pods, Predicate<PodSidecarState> problem, String one,
                                           String many, String fine, String hint) {
        List<String> affected = pods.stream().filter(problem)
                .map(p -> p.namespace() + "/" + p.name() + (p.reasons().isEmpty() ? "" : ": " + p.reasons().get(p.reasons().size() - 1)))
                .toList();
        if (affected.isEmpty()) {
            return CheckResult.ok(GROUP, fine);
        }
        return CheckResult.warn(GROUP, Plural.of(affected.size(), one, many), hint)
                .withDetails(affected);
    }
}
