package dev.kubectlsidecar.agent.main;

import dev.kubectlsidecar.agent.Agent;
import dev.kubectlsidecar.agent.AgentOptions;
import dev.kubectlsidecar.agent.UsageException;
import dev.kubectlsidecar.agent.cluster.InClusterAgent;
import dev.kubectlsidecar.agent.http.TlsEngine;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code java -jar agent.jar [--standalone] ...}: parse the options, start, stop gracefully on SIGTERM. */
public final class AgentMain {
    /** The API server's webhook timeout is 10 s by default: no review in flight needs longer than that. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(AgentMain.class.getName());

    private AgentMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        AgentOptions options;
        try {
            options = AgentOptions.parse(List.of(args), System.getenv());
        } catch (UsageException e) {
            System.err.println("agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(AgentOptions.USAGE);
            return;
        }
        Runnable stop;
        int port;
        try {
            if (options.standalone()) {
                Agent agent = Agent.start(options).toCompletionStage().toCompletableFuture().get();
                port = agent.port();
                stop = () -> stopAgent(agent);
            } else {
                InClusterAgent inCluster = InClusterAgent.start(options);
                port = inCluster.agent().port();
                stop = () -> inCluster.stop(SHUTDOWN_GRACE);
            }
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            System.err.println("agent: cannot start: " + describe(cause));
            LOG.log(Level.DEBUG, "start-up failure", cause);
            System.exit(1);
            return;
        }
        LOG.log(Level.INFO, "serving the webhook on https://" + options.host() + ":" + port + " (TLS: " + TlsEngine.name() + ")"
                + (options.standalone() ? " (standalone)" : " (in cluster, namespace " + options.namespace() + ")"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.log(Level.INFO, "stopping: finishing in-flight reviews");
            stop.run();
        }, "agent-shutdown"));
    }

    private static void stopAgent(Agent agent) {
        try {
            agent.stop(SHUTDOWN_GRACE).toCompletionStage().toCompletableFuture()
                    .get(SHUTDOWN_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopped without finishing cleanly: " + e);
        }
    }

    /** The message and the causes' messages on one line: fabric8 wraps the useful part ("An error has occurred."). */
    static String describe(Throwable failure) {
        StringBuilder line = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            line.append(": ").append(cause.getClass().getSimpleName()).append(' ').append(cause.getMessage());
        }
        return line.toString();
    }
}
