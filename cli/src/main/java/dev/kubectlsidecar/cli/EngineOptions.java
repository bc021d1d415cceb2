package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.cluster.Kubeconfig;
import dev.kubectlsidecar.cli.support.Messages;
import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.text.PrintedText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
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

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
            description = "Namespace assumed for resources that name none (default: the kubeconfig context's, else default).")
    String namespaceFlag;

    private Optional<Kubeconfig> kubeconfigFound;

    /**
     * Where resources that name no namespace go, as with {@code kubectl apply}: {@code -n}, else the namespace of the
     * kubeconfig's context (read locally, even with {@code --offline}), else {@code default}.
     */
    String namespace() {
        if (namespaceFlag != null) {
            return namespaceFlag;
        }
        try {
            return kubeconfig().map(found -> found.select(context, null, null).namespaceOrDefault()).orElse("default");
        } catch (UserError e) {
            return implicitOnly(e, "default");
        }
    }

    /**
     * A kubeconfig that selects nothing usable: an error when {@code --context} named the context (as in kubectl:
     * a typo never falls back), else {@code fallback}: an offline command still works with an odd default kubeconfig.
     */
    private <T> T implicitOnly(UserError e, T fallback) {
        if (context != null) {
            throw e;
        }
        return fallback;
    }

    /** The engine, and the cluster's version when it was consulted ({@link KubeVersion#UNKNOWN} otherwise). */
    record Choice(InjectionEngine engine, KubeVersion kubeVersion) {
    }

    Choice choose(PrintWriter err) {
        if (config != null) {
            return new Choice(new InjectionEngine(ConfigLoader.parse(config.toString(), ManifestSources.readText(config))),
                    KubeVersion.UNKNOWN);
        }
        if (!offline && kubeconfig().isPresent()) {
            try {
                kubeconfig().get().select(context, null, null);
            } catch (UserError e) {
                err.println("note: " + implicitOnly(e, oneLine(e)) + ": using the embedded injection config (--offline skips the cluster)");
                return new Choice(new InjectionEngine(ConfigLoader.embeddedDefault()), KubeVersion.UNKNOWN);
            }
            try {
                var defaults = dev.kubectlsidecar.cli.cluster.ClusterDefaults.read(kubeconfig, context);
                return new Choice(new InjectionEngine(defaults.config()), defaults.kubeVersion());
            } catch (RuntimeException e) {
                err.println("note: cannot read the cluster's injection config (" + PrintedText.escape(oneLine(e))
                        + "): using the embedded default (--offline skips the cluster)");
            }
        }
        return new Choice(new InjectionEngine(ConfigLoader.embeddedDefault()), KubeVersion.UNKNOWN);
    }

    private Optional<Kubeconfig> kubeconfig() {
        if (kubeconfigFound == null) {
            kubeconfigFound = Kubeconfig.locate(kubeconfig);
        }
        return kubeconfigFound;
    }

    private static String oneLine(Exception e) {
        return Messages.firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
