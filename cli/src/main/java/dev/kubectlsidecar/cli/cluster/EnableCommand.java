package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
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
import java.util.SortedSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code kubectl sidecar enable NS...}: label namespaces so the agent injects their new pods. */
@Command(name = "enable", sortOptions = false,
        description = "Turn on automatic injection for namespaces (label istio-injection=enabled, or istio.io/rev=REVISION "
                + "when the injection config names revisions).",
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

    @Option(names = "--revision", paramLabel = "REVISION",
            description = "The revision to label (istio.io/rev) when the injection config names several.")
    String revision;

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
        Label label = enablingLabel(WebhookSelection.revisions(config));
        int failures = 0;
        for (String name : targets) {
            failures += enable(client, config, label, name) ? 0 : 1;
        }
        return failures == 0 ? 0 : 1;
    }

    /** The label that turns injection on. */
    private record Label(String key, String value) {
        boolean byRevision() {
            return key.equals(WebhookSelection.REVISION_LABEL);
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    /** {@code istio-injection=enabled}; with named revisions {@code istio.io/rev} naming the one to use. */
    private Label enablingLabel(SortedSet<String> revisions) {
        if (revisions.isEmpty()) {
            if (revision != null) {
                throw new UserError("--revision " + revision + ": the injection config names no revision (a profile's "
                        + "mesh.revision): enable without --revision");
            }
            return new Label(AgentNames.INJECTION_LABEL, "enabled");
        }
        String chosen = revision != null ? revision : revisions.size() == 1 ? revisions.first() : null;
        if (chosen == null || !revisions.contains(chosen)) {
            throw new UserError((chosen == null ? "" : "--revision " + chosen + ": ") + "the injection config names revisions "
                    + String.join(", ", revisions) + ": choose one with --revision");
        }
        return new Label(WebhookSelection.REVISION_LABEL, chosen);
    }

    private boolean enable(KubernetesClient client, InjectionConfig config, Label label, String name) {
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
        Map<String, String> enabled = new HashMap<>(labels);
        enabled.put(label.key(), label.value());
        // istio-injection wins over istio.io/rev (Istio's selectors): enabling by revision takes it off
        String displaced = label.byRevision() ? enabled.remove(AgentNames.INJECTION_LABEL) : null;
        if (enabled.equals(labels)) {
            out().println("namespace/" + name + ": injection already enabled");
        } else {
            if (!dryRun) {
                // Since when: status can then tell a pod created before this from one the webhook never saw.
                ObjectNode patch = Json.object();
                ObjectNode metadata = patch.putObject("metadata");
                metadata.putObject("labels").put(label.key(), label.value());
                metadata.putObject("annotations").put(NamespaceInfo.ENABLED_AT_ANNOTATION,
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                client.namespaces().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
                if (displaced != null) {
                    client.namespaces().withName(name).patch(PatchContext.of(PatchType.JSON),
                            "[{\"op\":\"remove\",\"path\":\"/metadata/labels/" + AgentNames.INJECTION_LABEL + "\"}]");
                }
            }
            out().println("namespace/" + name + (dryRun ? ": would enable injection (dry run)" : ": injection enabled")
                    + (label.byRevision() ? " (" + label + (displaced == null ? ""
                            : "; removed istio-injection=" + displaced + ", which wins over istio.io/rev") + ")" : ""));
        }
        PodSecurity.warnIfRestricted(namespace, err());
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
