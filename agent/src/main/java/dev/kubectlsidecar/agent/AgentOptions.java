package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.injector.config.KubeVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, from flags or, for manifests, environment variables ({@code AGENT_PORT} for
 * {@code --port}, and so on); a flag wins over its variable.
 *
 * @param namespace the agent's own namespace, never injected
 * @param kubeVersion the API server's version from {@code --kube-version}; in a cluster, when not given, read from
 *     the API server; {@link KubeVersion#UNKNOWN} otherwise
 * @param eventLoops server instances, one per event loop
 * @param pollInterval how often watched files (config, TLS) are checked for changes
 */
public record AgentOptions(boolean standalone, String host, int port, Path tlsCert, Path tlsKey, Path config,
                           String namespace, KubeVersion kubeVersion, int eventLoops,
                           Duration pollInterval, Path kubeconfig) {
    public AgentOptions {
        java.util.Objects.requireNonNull(kubeVersion, "kubeVersion");
    }

    public static final String USAGE = String.join("\n",
            "usage: agent [--kubeconfig FILE] [--namespace NS] [--port PORT] [--host ADDR] [--kube-version X.Y]",
            "       agent --standalone --tls-cert FILE --tls-key FILE [--port PORT] [--host ADDR] [--config FILE]",
            "             [--namespace NS] [--kube-version X.Y] [--event-loops N]",
            "Serves the kubectl-sidecar mutating webhook over HTTPS: POST /inject, GET /healthz /readyz /metrics",
            "/api/v1/config /api/v1/status. In a cluster (the default) it manages its certificates in a Secret, keeps",
            "its webhook's caBundle, reads its ConfigMap and watches pods; POD_NAME names the replica. --standalone",
            "serves the webhook alone with TLS from files (the config and TLS files are reloaded when they change).",
            "Every flag can also be set as an environment variable: --tls-cert as AGENT_TLS_CERT, etc.");

    private static final List<String> FLAGS = List.of("--host", "--port", "--tls-cert", "--tls-key", "--config",
            "--namespace", "--kube-version", "--event-loops", "--kubeconfig");

    /** @return the options, or null when help was asked for */
    public static AgentOptions parse(List<String> args, Map<String, String> env) throws UsageException {
        Map<String, String> values = new java.util.HashMap<>();
        for (String flag : FLAGS) {
            String variable = env.get("AGENT_" + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT));
            if (variable != null && !variable.isBlank()) {
                values.put(flag, variable.strip());
            }
        }
        boolean standalone = Boolean.parseBoolean(env.getOrDefault("AGENT_STANDALONE", "false"));
        Iterator<String> it = args.iterator();
        while (it.hasNext()) {
            String arg = it.next();
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (arg.equals("--standalone")) {
                standalone = true;
                continue;
            }
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!FLAGS.contains(flag)) {
                throw new UsageException("unknown argument " + arg + " (see --help)");
            }
            if (arg.contains("=")) {
                values.put(flag, arg.substring(arg.indexOf('=') + 1));
            } else if (it.hasNext()) {
                values.put(flag, it.next());
            } else {
                throw new UsageException(flag + " needs a value");
            }
        }
        if (standalone && (values.get("--tls-cert") == null || values.get("--tls-key") == null)) {
            throw new UsageException("--standalone needs --tls-cert FILE and --tls-key FILE (PEM)");
        }
        if (!standalone && (values.containsKey("--tls-cert") || values.containsKey("--config"))) {
            throw new UsageException("--tls-cert, --tls-key and --config are for --standalone; in a cluster the agent "
                    + "keeps its certificate in a Secret and reads its config from the ConfigMap");
        }
        return new AgentOptions(standalone, values.getOrDefault("--host", "0.0.0.0"),
                number(values, "--port", 8443, 0, 65535),
                path(values, "--tls-cert"), path(values, "--tls-key"), path(values, "--config"),
                values.getOrDefault("--namespace", "kubectl-sidecar"),
                kubeVersion(values.get("--kube-version")),
                number(values, "--event-loops", Runtime.getRuntime().availableProcessors(), 1, 64),
                Duration.ofSeconds(2), path(values, "--kubeconfig"));
    }

    private static Path path(Map<String, String> values, String flag) {
        return values.containsKey(flag) ? Path.of(values.get(flag)) : null;
    }

    /** The same options with the API server's version settled (in a cluster, from its {@code /version}). */
    public AgentOptions withKubeVersion(KubeVersion version) {
        return new AgentOptions(standalone, host, port, tlsCert, tlsKey, config, namespace, version, eventLoops,
                pollInterval, kubeconfig);
    }

    private static int number(Map<String, String> values, String flag, int fallback, int min, int max)
            throws UsageException {
        String value = values.get(flag);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a number from " + min + " to " + max + ", got \"" + value + "\"");
    }

    private static KubeVersion kubeVersion(String value) throws UsageException {
        if (value == null) {
            return KubeVersion.UNKNOWN;
        }
        try {
            return KubeVersion.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--kube-version " + e.getMessage());
        }
    }
}
