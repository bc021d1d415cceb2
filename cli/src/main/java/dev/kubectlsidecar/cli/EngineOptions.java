package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.PrintedText;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which injection config offline commands use: {@code --config FILE}; else, when a kubeconfig exists and
 * {@code --offline} is not given, the cluster's (so manual injection gives what the webhook would); else the
 * embedded default. An unreachable cluster falls back to the embedded default with one line on stderr. The
 * cluster client is loaded only on that path: without a kubeconfig, inject stays a fast, local command.
 */
final class EngineOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Injection config (profiles) replacing the cluster's or the embedded default.")
    Path config;

    @Option(names = "--offline", description = "Never contact a cluster: use --config or the embedded default.")
    boolean offline;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig of the cluster whose config to use.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context of the cluster whose config to use.")
    String context;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
            description = "Namespace assumed for resources that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    /** The engine, and whether the cluster (when consulted) supports native sidecars; null when unknown. */
    record Choice(InjectionEngine engine, Boolean serverSupportsNativeSidecars) {
    }

    Choice choose(PrintWriter err) {
        if (config != null) {
            return new Choice(new InjectionEngine(ConfigLoader.parse(config.toString(), ManifestSources.readText(config))), null);
        }
        if (!offline && kubeconfigExists()) {
            try {
                var defaults = dev.kubectlsidecar.cli.cluster.ClusterDefaults.read(kubeconfig, context);
                return new Choice(new InjectionEngine(defaults.config()), defaults.serverSupportsNativeSidecars());
            } catch (RuntimeException e) {
                err.println("note: cannot read the cluster's injection config (" + PrintedText.escape(oneLine(e))
                        + "): using the embedded default (--offline skips the cluster)");
            }
        }
        return new Choice(new InjectionEngine(ConfigLoader.embeddedDefault()), null);
    }

    private boolean kubeconfigExists() {
        if (kubeconfig != null) {
            return true;
        }
        String variable = System.getenv("KUBECONFIG");
        if (variable != null && !variable.isBlank()) {
            for (String file : variable.split(java.io.File.pathSeparator)) {
                if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
                    return true;
                }
            }
            return false;
        }
        return Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
