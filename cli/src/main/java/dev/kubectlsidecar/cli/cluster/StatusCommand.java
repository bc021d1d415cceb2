package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.ChoiceConverter;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.KubectlJson;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Option(names = {"-o", "--output"}, paramLabel = "wide|json|yaml", converter = Outputs.class, description = "Output format.")
    String output;

    @Option(names = {"-w", "--watch"},
            description = "On a terminal, redraw a live view until Ctrl-C; otherwise print the output again each time it changes.")
    boolean watch;

    @Override
    protected Integer withoutCluster() {
        if (allNamespaces && pod != null) {
            throw new ParameterException(spec.commandLine(), "a pod name cannot be combined with -A: name the namespace with -n");
        }
        return null;
    }

    @Override
    protected int run(KubernetesClient client) throws Exception {
        String namespace = allNamespaces ? null : kube.namespace();
        StatusSource source = new StatusSource(client);
        if (watch) {
            return LiveView.run(width -> render(source.fetch(namespace, pod, selector), width), out(),
                    "json".equals(output) || "yaml".equals(output));
        }
        StatusSource.Snapshot snapshot = source.fetch(namespace, pod, selector);
        if (snapshot.note() != null) {
            err().println("note: " + PrintedText.escape(snapshot.note()));
        }
        if (pod != null && snapshot.pods().isEmpty()) {
            err().println("error: pod " + PrintedText.escape(pod) + " not found in namespace " + PrintedText.escape(namespace));
            return 1;
        }
        out().print(render(snapshot, Terminal.columns()));
        return 0;
    }

    static final class Outputs extends ChoiceConverter {
        Outputs() {
            super("wide", "json", "yaml");
        }
    }

    private String render(StatusSource.Snapshot snapshot, int width) {
        if ("json".equals(output)) {
            return KubectlJson.write(PodStatesJson.write(snapshot.pods()));
        }
        if ("yaml".equals(output)) {
            String yaml = JsonMappers.YAML.writeValueAsString(PodStatesJson.write(snapshot.pods()));
            return watch && !yaml.startsWith("---") ? "---\n" + yaml : yaml; // a stream of documents
        }
        return StatusView.render(snapshot, "wide".equals(output), width, Instant.now());
    }
}
