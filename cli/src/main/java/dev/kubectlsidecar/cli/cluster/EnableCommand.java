package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.render.InjectionRecord;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubectl sidecar enable NS...}: label namespaces so the agent injects their new pods. */
@Command(name = "enable", sortOptions = false,
        description = "Turn on automatic injection for namespaces (label istio-injection=enabled).",
        footer = {"", "Examples:", "  kubectl sidecar enable shop", "  kubectl sidecar enable shop payments --restart", "  kubectl sidecar enable -n shop",
                "", "-n NS names the namespace to enable when no NAMESPACE argument is given."})
public final class EnableCommand extends ClusterCommand {
    @Parameters(arity = "0..*", paramLabel = "NAMESPACE", description = "Namespaces to enable (or one with -n).")
    List<String> namespaces;

    @Option(names = "--restart", description = "Restart the Deployments, StatefulSets and DaemonSets whose running pods have no sidecar yet.")
    boolean restart;

    @Option(names = "--dry-run", description = "Say what would change; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Label the namespaces even though the agent is not installed.")
    boolean force;

    private List<String> targets;

    @Override
    protected Integer withoutCluster() {
        targets = namespaceArguments(namespaces);
        return null;
    }

    @Override
    protected int run(KubernetesClient client) {
        if (client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(AgentNames.WEBHOOK_CONFIGURATION).get() == null) {
            if (!force) {
                err().println("error: the agent is not installed in this cluster (no MutatingWebhookConfiguration "
                        + AgentNames.WEBHOOK_CONFIGURATION + "): run `kubectl sidecar install` first, or pass --force to label anyway");
                return 1;
            }
            err().println("warning: the agent is not installed: new pods will not be injected until `kubectl sidecar install`");
        }
        InjectionConfig config = ClusterInjectionConfig.load(client);
        int failures = 0;
        for (String name : targets) {
            failures += enable(client, config, name) ? 0 : 1;
        }
        return failures == 0 ? 0 : 1;
    }

    private boolean enable(KubernetesClient client, InjectionConfig config, String name) {
        if (AgentNames.NEVER_ENABLED.contains(name)) {
            err().println("error: refusing to enable " + name + ": " + (name.equals(AgentNames.NAMESPACE)
                    ? "the agent's own namespace is never injected (the webhook would depend on itself)"
                    : "system namespaces are never injected"));
            return false;
        }
        Namespace namespace = client.namespaces().withName(name).get();
        if (namespace == null) {
            err().println("error: namespace " + name + " not found (create it first: kubectl create namespace " + name + ")");
            return false;
        }
        Map<String, String> labels = namespace.getMetadata().getLabels() == null ? Map.of() : namespace.getMetadata().getLabels();
        if ("enabled".equals(labels.get(AgentNames.INJECTION_LABEL))) {
            out().println("namespace/" + name + ": injection already enabled");
        } else {
            if (!dryRun) {
                // Since when: status can then tell a pod created before this from one the webhook never saw.
                client.namespaces().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"" + AgentNames.INJECTION_LABEL + "\":\"enabled\"},"
                                + "\"annotations\":{\"" + NamespaceInfo.ENABLED_AT_ANNOTATION + "\":\""
                                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"}}}");
            }
            out().println("namespace/" + name + (dryRun ? ": would enable injection (dry run)" : ": injection enabled"));
        }
        PodSecurity.warnIfRestricted(namespace, err());
        Map<String, String> enabled = new HashMap<>(labels);
        enabled.put(AgentNames.INJECTION_LABEL, "enabled");
        Namespace labelled = new io.fabric8.kubernetes.api.model.NamespaceBuilder(namespace).editMetadata().withLabels(enabled).endMetadata().build();
        for (OtherInjectors.Overlap overlap : OtherInjectors.overlapping(client, List.of(labelled))) {
            err().println("warning: " + overlap.describe() + ": " + OtherInjectors.ADVICE);
        }
        reportUnreachedPods(client, config, new NamespaceInfo(name, enabled));
        return true;
    }

    private void reportUnreachedPods(KubernetesClient client, InjectionConfig config, NamespaceInfo namespace) {
        Set<String> owners = new LinkedHashSet<>();
        Map<String, Integer> others = new LinkedHashMap<>();
        for (Pod pod : client.pods().inNamespace(namespace.name()).list().getItems()) {
            var tree = Workloads.tree(pod);
            if (InjectionRecord.read(tree).isPresent() || !InjectionPolicy.decide(tree, namespace, config).inject()) {
                continue;
            }
            String owner = Workloads.owner(pod);
            if (Workloads.restartable(owner)) {
                owners.add(owner);
            } else {
                others.merge(owner, 1, Integer::sum);
            }
        }
        if (owners.isEmpty() && others.isEmpty()) {
            return;
        }
        out().println("  running pods have no sidecar until they are recreated:");
        if (restart && !dryRun) {
            for (String owner : owners) {
                out().print("  restarting " + Workloads.describe(owner) + "… ");
                out().flush();
                Workloads.restart(client, owner, namespace.name());
                out().println("done");
            }
        } else if (!owners.isEmpty()) {
            out().println("    " + String.join(", ", owners.stream().map(Workloads::describe).toList())
                    + ": kubectl sidecar rollout -n " + namespace.name() + " --missing (--dry-run to see the plan)");
        }
        Workloads.recreateLines(others).forEach(line -> out().println("    " + line));
    }
}
