package dev.kubectlsidecar.cli.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Namespace and pod names for shell completion, read with the kubectl flags already typed (--kubeconfig, --context,
 * -n) and a short timeout; any failure completes nothing rather than printing an error into the shell.
 */
public final class ClusterNames {
    private ClusterNames() {
    }

    public static List<String> namespaces(List<String> typed, String prefix) {
        return names(typed, client -> client.namespaces().list().getItems().stream()
                .map(ns -> ns.getMetadata().getName()).toList(), prefix);
    }

    public static List<String> pods(List<String> typed, String prefix) {
        return names(typed, client -> client.pods().inNamespace(options(typed).namespace()).list().getItems().stream()
                .map(pod -> pod.getMetadata().getName()).toList(), prefix);
    }

    private static List<String> names(List<String> typed, java.util.function.Function<KubernetesClient, List<String>> list,
                                      String prefix) {
        try (KubernetesClient client = options(typed).client()) {
            List<String> out = new ArrayList<>();
            for (String name : list.apply(client).stream().sorted().toList()) {
                if (name.startsWith(prefix)) {
                    out.add(name);
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static KubeOptions options(List<String> typed) {
        KubeOptions options = new KubeOptions();
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < typed.size(); i++) {
            String word = typed.get(i);
            if (word.matches("--kubeconfig|--context|--cluster|--user|-n|--namespace") && i + 1 < typed.size()) {
                flags.add(word);
                flags.add(typed.get(++i));
            }
        }
        flags.add("--request-timeout");
        flags.add("3s");
        new CommandLine(new Holder(options)).setUnmatchedArgumentsAllowed(true).parseArgs(flags.toArray(String[]::new));
        return options;
    }

    @CommandLine.Command
    static final class Holder {
        @CommandLine.Mixin
        final KubeOptions options;

        Holder(KubeOptions options) {
            this.options = options;
        }
    }
}
