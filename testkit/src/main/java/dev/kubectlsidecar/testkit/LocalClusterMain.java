package dev.kubectlsidecar.testkit;

import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar local-cluster.jar --kubeconfig FILE [--agent-jar PATH] ...}: starts a {@link LocalCluster},
 * writes a kubeconfig for it, prints {@code ready} on a line of its own and serves until stopped (SIGTERM,
 * Ctrl-C), then closes it cleanly.
 */
public final class LocalClusterMain {
    private static final String USAGE = """
            Usage: java -jar local-cluster.jar --kubeconfig FILE [options]
              --kubeconfig FILE        where to write the kubeconfig for the local cluster (required)
              --agent-jar PATH         run the agent's Deployment with this jar (java -jar PATH ...);
                                       default: agent.jar beside local-cluster.jar, else the
                                       repository's agent/target/agent.jar
              --agent-arg ARG          an agent argument, repeatable; replaces the default
                                       --kubeconfig {kubeconfig} --namespace {namespace} --port {port}
                                       (placeholders: {kubeconfig} {namespace} {name} {port} {dir} {args})
              --agent-jvm-option OPT   a JVM option for the agent, repeatable; default {jvm-options}:
                                       the options of the Deployment's container command
              --agent-name NAME        the agent's Deployment and Service name; default kubectl-sidecar-agent
              --server-version V       the version /version reports; default v1.31.0
              --no-init-containers     never run istio-init commands (they run as root in a network namespace)
            """;

    private LocalClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.util.logging.SimpleFormatter.format", "[%4$s] %5$s%6$s%n");
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("local-cluster: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.print(USAGE);
            return;
        }
        if (options.agentJar == null) {
            options.agentJar = AgentJar.beside(AgentJar.home()).orElse(null);
            System.err.println(options.agentJar != null
                    ? "local-cluster: agent jar " + options.agentJar + " (--agent-jar PATH chooses another)"
                    : "local-cluster: warning: no agent jar (looked for " + String.join(" and ", AgentJar.candidates(AgentJar.home()))
                            + "; build it with ./mvnw -pl agent -am package, or pass --agent-jar PATH): the agent's Deployment "
                            + "will not run, so `kubectl sidecar install` cannot become ready");
        }
        LocalCluster cluster;
        try {
            cluster = options.builder().start();
            cluster.writeKubeconfig(options.kubeconfig);
        } catch (RuntimeException e) {
            System.err.println("local-cluster: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "local-cluster-shutdown"));
        PrintStream out = System.out;
        System.err.println("local cluster at " + cluster.url() + "; kubeconfig " + options.kubeconfig.toAbsolutePath());
        out.println("ready");
        out.flush();
        new CountDownLatch(1).await();
    }

    /** The command line, checked. */
    private static final class Options {
        private Path kubeconfig;
        private Path agentJar;
        private final List<String> agentArgs = new ArrayList<>();
        private final List<String> agentJvmOptions = new ArrayList<>();
        private String agentName;
        private String serverVersion;
        private boolean runInitContainers = true;
        private boolean help;

        static Options parse(List<String> args) {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--help", "-h" -> options.help = true;
                    case "--no-init-containers" -> options.runInitContainers = false;
                    case "--kubeconfig" -> options.kubeconfig = Path.of(value(args, ++i, arg, false));
                    case "--agent-jar" -> options.agentJar = Path.of(value(args, ++i, arg, false));
                    case "--agent-arg" -> options.agentArgs.add(value(args, ++i, arg, true));
                    case "--agent-jvm-option" -> options.agentJvmOptions.add(value(args, ++i, arg, true));
                    case "--agent-name" -> options.agentName = value(args, ++i, arg, false);
                    case "--server-version" -> options.serverVersion = value(args, ++i, arg, false);
                    default -> throw new IllegalArgumentException("unknown option \"" + arg + "\"");
                }
            }
            if (options.kubeconfig == null && !options.help) {
                throw new IllegalArgumentException("--kubeconfig FILE is required");
            }
            if (options.agentJar == null && !(options.agentArgs.isEmpty() && options.agentJvmOptions.isEmpty())) {
                throw new IllegalArgumentException("--agent-arg and --agent-jvm-option need --agent-jar");
            }
            return options;
        }

        /** The option's value; {@code flag} allows one that starts with a dash (an agent or JVM option). */
        private static String value(List<String> args, int index, String option, boolean flag) {
            if (index >= args.size() || !flag && args.get(index).startsWith("-")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index);
        }

        LocalCluster.Builder builder() {
            LocalCluster.Builder builder = LocalCluster.builder().runInitContainers(runInitContainers);
            if (serverVersion != null) {
                builder.serverVersion(serverVersion);
            }
            if (agentName != null) {
                builder.agentName(agentName);
            }
            if (agentJar != null) {
                builder.agentLauncher(new ProcessAgentLauncher(agentJar,
                        agentJvmOptions.isEmpty() ? ProcessAgentLauncher.DEPLOYMENT_JVM_OPTIONS : agentJvmOptions,
                        agentArgs.isEmpty() ? ProcessAgentLauncher.DEFAULT_ARGUMENTS : agentArgs));
            } else {
                builder.agentLauncher(AgentJar.missing());
            }
            return builder;
        }
    }
}
