package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import dev.kubectlsidecar.injector.render.InjectionRecord;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubectl sidecar disable NS...}: remove the label; new pods are no longer injected. */
@Command(name = "disable", sortOptions = false,
        description = "Turn off automatic injection for namespaces (remove the istio-injection label, and istio.io/rev "
                + "when it names a revision of the injection config).",
        footer = {"", "Examples:", "  kubectl sidecar disable shop", "  kubectl sidecar disable -n shop",
                "", "-n NS names the namespace to disable when no NAMESPACE argument is given."})
public final class DisableCommand extends ClusterCommand {
    @Parameters(arity = "0..*", paramLabel = "NAMESPACE", description = "Namespaces to disable (or one with -n).")
    List<String> namespaces;

    @Option(names = "--dry-run", description = "Say what would change; change nothing.")
    boolean dryRun;

    private List<String> targets;

    @Override
    protected Integer withoutCluster() {
        targets = namespaceArguments(namespaces);
        return null;
    }

    @Override
    protected int run(KubernetesClient client) {
        SortedSet<String> revisions = ClusterInjectionConfig.revisions(client, warning -> err().println("warning: " + PrintedText.escape(warning)));
        int failures = 0;
        for (String name : targets) {
            failures += disable(client, revisions, name) ? 0 : 1;
        }
        return failures == 0 ? 0 : 1;
    }

    private boolean disable(KubernetesClient client, SortedSet<String> revisions, String name) {
        Namespace namespace = client.namespaces().withName(name).get();
        if (namespace == null) {
            err().println("error: namespace " + name + " not found");
            return false;
        }
        Map<String, String> labels = namespace.getMetadata().getLabels() == null ? Map.of() : namespace.getMetadata().getLabels();
        List<String> enabling = new ArrayList<>();
        if ("enabled".equals(labels.get(AgentNames.INJECTION_LABEL))) { // "disabled" is an opt-out: it stays
            enabling.add(AgentNames.INJECTION_LABEL);
        }
        String revision = labels.get(WebhookSelection.REVISION_LABEL);
        if (revision != null && revisions.contains(revision)) { // another revision's label is istiod's
            enabling.add(WebhookSelection.REVISION_LABEL);
        }
        if (enabling.isEmpty()) {
            out().println("namespace/" + name + ": injection already disabled");
        } else {
            if (!dryRun) {
                // A JSON Patch remove: a merge patch with null would leave a null label on some servers.
                List<String> operations = new ArrayList<>();
                enabling.forEach(key -> operations.add(remove("/metadata/labels/", key)));
                var annotations = namespace.getMetadata().getAnnotations();
                if (annotations != null && annotations.containsKey(NamespaceInfo.ENABLED_AT_ANNOTATION)) {
                    operations.add(remove("/metadata/annotations/", NamespaceInfo.ENABLED_AT_ANNOTATION));
                }
                client.namespaces().withName(name).patch(PatchContext.of(PatchType.JSON), "[" + String.join(",", operations) + "]");
            }
            out().println("namespace/" + name + (dryRun ? ": would disable injection (dry run)" : ": injection disabled"));
        }
        Set<String> owners = new LinkedHashSet<>();
        Map<String, Integer> others = new LinkedHashMap<>();
        for (Pod pod : client.pods().inNamespace(name).list().getItems()) {
            if (InjectionRecord.read(Workloads.tree(pod)).isEmpty()) {
                continue;
            }
            String owner = Workloads.owner(pod);
            if (Workloads.restartable(owner)) {
                owners.add(Workloads.describe(owner));
            } else {
                others.merge(owner, 1, Integer::sum);
            }
        }
        if (!owners.isEmpty() || !others.isEmpty()) {
            out().println("  running pods keep their sidecar until they are recreated:");
            if (!owners.isEmpty()) {
                out().println("    " + String.join(", ", owners) + ": kubectl sidecar rollout -n " + name
                        + " --stale (--dry-run to see the plan)");
            }
            Workloads.recreateLines(others).forEach(line -> out().println("    " + line));
        }
        return true;
    }

    private static String remove(String path, String key) {
        return "{\"op\":\"remove\",\"path\":\"" + path + key.replace("~", "~0").replace("/", "~1") + "\"}";
    }
}
