package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.UserError;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * kubectl's global flags, accepted after the plugin name as kubectl passes them: {@code --kubeconfig},
 * {@code --context}, {@code --cluster}, {@code --user}, {@code -n}, {@code --request-timeout},
 * {@code --insecure-skip-tls-verify} and {@code -v}. Builds the client the cluster commands use.
 */
public final class KubeOptions {
    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use.")
    String context;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The kubeconfig cluster to use.")
    String cluster;

    @Option(names = "--user", paramLabel = "NAME", description = "The kubeconfig user to use.")
    String user;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace (default: the context's, else default).")
    String namespace;

    @Option(names = "--request-timeout", paramLabel = "DURATION", description = "Timeout of a single request, e.g. 10s, 1m (0: none).")
    String requestTimeout;

    @Option(names = "--insecure-skip-tls-verify", description = "Do not verify the API server's certificate (insecure).")
    boolean insecureSkipTlsVerify;

    @Option(names = {"-v", "--v"}, arity = "0..1", fallbackValue = "1", paramLabel = "LEVEL",
            description = "Verbosity; any level prints stack traces on errors.")
    Integer verbosity;

    private Config config;

    /** Options as if given on the command line, for commands that only sometimes talk to the cluster. */
    public static KubeOptions of(Path kubeconfig, String context, String requestTimeout) {
        KubeOptions options = new KubeOptions();
        options.kubeconfig = kubeconfig;
        options.context = context;
        options.requestTimeout = requestTimeout;
        return options;
    }

    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** The namespace flag, else the context's namespace, else {@code default}. */
    public String namespace() {
        if (namespace != null) {
            return namespace;
        }
        String fromContext = config().getNamespace();
        return fromContext == null || fromContext.isEmpty() ? "default" : fromContext;
    }

    public boolean namespaceGiven() {
        return namespace != null;
    }

    public String server() {
        return config().getMasterUrl();
    }

    /** How long one request may take: {@code --request-timeout}, else the client's default. */
    public Duration requestTimeout() {
        return Duration.ofMillis(config().getRequestTimeout());
    }

    private Config config() {
        if (config == null) {
            config = load();
            if (requestTimeout != null) {
                config.setRequestTimeout((int) parseTimeout(requestTimeout).toMillis());
            }
            if (insecureSkipTlsVerify) {
                config.setTrustCerts(true);
                config.setDisableHostnameVerification(true);
            }
            config.setRequestRetryBackoffLimit(0);
        }
        return config;
    }

    private Config load() {
        File file = kubeconfigFile();
        if (file == null) {
            throw new UserError("no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config): "
                    + "pass --kubeconfig FILE, or set up access with your cluster provider's CLI");
        }
        try {
            String text = Files.readString(file.toPath());
            if (cluster == null && user == null) {
                return Config.fromKubeconfig(context, text, file.getPath());
            }
            io.fabric8.kubernetes.api.model.Config model = KubeConfigUtils.parseConfigFromString(text);
            String contextName = context != null ? context : model.getCurrentContext();
            NamedContext named = model.getContexts().stream().filter(c -> c.getName().equals(contextName)).findFirst()
                    .orElseThrow(() -> new UserError("context \"" + contextName + "\" not found in " + file));
            if (cluster != null) {
                named.getContext().setCluster(cluster);
            }
            if (user != null) {
                named.getContext().setUser(user);
            }
            return Config.fromKubeconfig(contextName, Serialization.asYaml(model), file.getPath());
        } catch (UserError e) {
            throw e;
        } catch (Exception e) {
            throw new UserError(file + ": cannot use this kubeconfig: " + e.getMessage());
        }
    }

    private File kubeconfigFile() {
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new UserError(kubeconfig + ": no such kubeconfig file");
            }
            return kubeconfig.toFile();
        }
        for (String name : Config.getKubeconfigFilenames()) {
            File candidate = new File(name);
            if (candidate.isFile()) {
                return candidate;
            }
        }
        return null;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    static Duration parseTimeout(String text) {
        Matcher matcher = DURATION.matcher(text.trim());
        if (!matcher.matches()) {
            throw new UserError("invalid --request-timeout \"" + text + "\": use a duration such as 10s, 500ms or 1m");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }
}
