package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.testkit.agent.AgentLauncher;
import dev.kubectlsidecar.testkit.agent.RunningAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * The agent the local cluster runs for its Deployment, and when its process was started: an
 * {@link AgentLauncher} that hands the cluster's launch to another one and keeps what came out.
 *
 * @param startNanos {@link System#nanoTime()} just before the process was spawned
 */
record LaunchedAgent(RunningAgent agent, long startNanos) {

    /** Remembers the first agent it launches. */
    static final class Recorder implements AgentLauncher {
        private final AgentLauncher launcher;
        private final CompletableFuture<LaunchedAgent> first = new CompletableFuture<>();

        Recorder(AgentLauncher launcher) {
            this.launcher = launcher;
        }

        @Override
        public RunningAgent start(String apiServerUrl, JsonNode deployment) throws Exception {
            long start = System.nanoTime();
            RunningAgent agent = launcher.start(apiServerUrl, deployment);
            first.complete(new LaunchedAgent(agent, start));
            return agent;
        }

        LaunchedAgent await(Duration limit) throws InterruptedException {
            try {
                return first.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the local cluster started no agent within " + limit.toSeconds() + " s", e);
            }
        }
    }
}
