package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.PrintedText;
import dev.kubectlsidecar.cli.UserError;
import dev.kubectlsidecar.injector.JsonMappers;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kubectl sidecar status}: per namespace and per pod, whether the sidecar is there, healthy and current, and why. */
@Command(name = "status", sortOptions = false,
        description = "Show, per namespace and pod: injected or not and why, proxy readiness, iptables rules verified, stale sidecars.",
        footer = {"", "Examples:", "  kubectl sidecar status -n shop", "  kubectl sidecar status -A -o wide",
                "  kubectl sidecar status web-7d4b9c-x2x -n shop -o json", "  kubectl sidecar status -n shop --watch"})
public final class StatusCommand extends ClusterCommand {
    @Parameters(arity = "0..1", paramLabel = "POD", description = "Only this pod.")
    String pod;

    @Option(names = {"-A", "--all-namespaces"}, description = "All namespaces.")
    boolean allNamespaces;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only pods matching this label selector.")
    String selector;

    @Option(names = {"-o", "--output"}, paramLabel = "wide|json|yaml", description = "Output format.")
    String output;

    @Option(names = {"-w", "--watch"}, description = "Redraw a live view until Ctrl-C.")
    boolean watch;

    @Override
    protected int run(KubernetesClient client) throws Exception {
        if (output != null && !output.matches("wide|json|yaml")) {
            throw new UserError("unsupported output format \"" + output + "\": use wide, json or yaml");
        }
        if (allNamespaces && pod != null) {
            throw new UserError("a pod name cannot be combined with -A: name the namespace with -n");
        }
        String namespace = allNamespaces ? null : kube.namespace();
        StatusSource source = new StatusSource(client);
        if (watch) {
            return LiveView.run(width -> render(source.fetch(namespace, pod, selector), width), out());
        }
        StatusSource.Snapshot snapshot = source.fetch(namespace, pod, selector);
        if (snapshot.fallbackReason() != null) {
            err().println("note: " + PrintedText.escape(snapshot.fallbackReason()));
        }
        if (pod != null && snapshot.pods().isEmpty()) {
            err().println("error: pod " + PrintedText.escape(pod) + " not found in namespace " + PrintedText.escape(namespace));
            return 1;
        }
        out().print(render(snapshot, Terminal.columns()));
        return 0;
    }

    private String render(StatusSource.Snapshot snapshot, int width) {
        if ("json".equals(output)) {
            return JsonMappers.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(PodStatesJson.write(snapshot.pods())) + "\n";
        }
        if ("yaml".equals(output)) {
            return JsonMappers.YAML.writeValueAsString(PodStatesJson.write(snapshot.pods()));
        }
        return StatusView.render(snapshot, "wide".equals(output), width, Instant.now());
    }
}
