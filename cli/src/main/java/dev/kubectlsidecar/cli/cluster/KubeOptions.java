package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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

    /** Every {@code -n} in the order given: the last one counts, as in kubectl, except for {@code rollout}. */
    private final List<String> namespaces = new ArrayList<>();

    @Option(names = "--request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Timeout of a single request, e.g. 10s, 1m (0: none).")
    Duration requestTimeout;

    @Option(names = "--insecure-skip-tls-verify", description = "Do not verify the API server's certificate (insecure).")
    boolean insecureSkipTlsVerify;

    @Option(names = {"-v", "--v"}, arity = "0..1", fallbackValue = "1", paramLabel = "LEVEL",
            description = "Verbosity; any level prints stack traces on errors.")
    Integer verbosity;

    private Config config;
    private Kubeconfig.Selection selection;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace (default: the kubeconfig context's, else default).")
    void namespace(String value) {
        namespaces.add(value);
    }

    /** Options as if given on the command line, for commands that only sometimes talk to the cluster. */
    public static KubeOptions of(Path kubeconfig, String context, Duration requestTimeout) {
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
        if (!namespaces.isEmpty()) {
            return namespaces.get(namespaces.size() - 1);
        }
        return selection().namespaceOrDefault();
    }

    public boolean namespaceGiven() {
        return !namespaces.isEmpty();
    }

    /** Each {@code -n} given, in order (empty when none was). */
    public List<String> namespacesGiven() {
        return List.copyOf(namespaces);
    }

    /** Whether there is a kubeconfig to read ({@code --kubeconfig} must name one that exists). */
    public boolean kubeconfigFound() {
        return selection != null || Kubeconfig.locate(kubeconfig).isPresent();
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
                config.setRequestTimeout((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
            }
            if (insecureSkipTlsVerify) {
                config.setTrustCerts(true);
                config.setDisableHostnameVerification(true);
            }
            config.setRequestRetryBackoffLimit(0);
        }
        return config;
    }

    /**
     * The kubeconfig's context, cluster and user these flags select, checked as kubectl checks them (a name that
     * does not exist is an error, never the current context) before any request is made.
     */
    public Kubeconfig.Selection selection() {
        if (selection == null) {
            selection = Kubeconfig.locate(kubeconfig).orElseThrow(Kubeconfig::missing).select(context, cluster, user);
        }
        return selection;
    }

    private Config load() {
        Kubeconfig.Selection selected = selection();
        try {
            return Config.fromKubeconfig(selected.context(), selected.yaml(), selected.file().toString());
        } catch (RuntimeException e) {
            throw new UserError(selected.file() + ": cannot use this kubeconfig: " + e.getMessage());
        }
    }

    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern DURATION = Pattern.compile("(?:\\d{1,9}(?:\\.\\d{1,9})?(?:h|m|s|ms|us|µs|ns))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(h|ms|m|s|us|µs|ns)");

    /**
     * kubectl's durations: Go's (a sequence of numbers with units h, m, s, ms, us, ns: {@code 1m30s}, {@code 1.5s}),
     * or a whole number of seconds; 0 means no limit.
     */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String trimmed = text.trim();
            if (SECONDS.matcher(trimmed).matches()) {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            }
            if (!DURATION.matcher(trimmed).matches()) {
                throw new CommandLine.TypeConversionException("use a duration such as 10s, 500ms, 1m30s or 1h");
            }
            BigDecimal nanos = BigDecimal.ZERO;
            Matcher part = PART.matcher(trimmed);
            while (part.find()) {
                long unit = switch (part.group(2)) {
                    case "h" -> 3_600_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "ms" -> 1_000_000L;
                    case "us", "µs" -> 1_000L;
                    default -> 1L;
                };
                nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unit)));
            }
            if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new CommandLine.TypeConversionException("longer than 2562047h (what kubectl accepts)");
            }
            return Duration.ofNanos(nanos.longValue());
        }

        /** The duration as it would be typed: {@code 3m}, {@code 90s}, {@code 500ms}. */
        public static String text(Duration duration) {
            long millis = duration.toMillis();
            if (millis % 3_600_000 == 0 && millis > 0) {
                return millis / 3_600_000 + "h";
            }
            if (millis % 60_000 == 0 && millis > 0) {
                return millis / 60_000 + "m";
            }
            return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }
    }
}
