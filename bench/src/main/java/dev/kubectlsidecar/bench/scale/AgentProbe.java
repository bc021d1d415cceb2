package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.testkit.agent.ProcessMemory;
import dev.kubectlsidecar.testkit.agent.RunningAgent;
import dev.kubectlsidecar.testkit.api.AccessReviews;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import dev.kubectlsidecar.testkit.net.ServiceRoutes;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the running agent directly, over HTTPS on its own port, the way the API server's proxy and the kubelet's
 * probes do (a fresh connection per call, its certificate not checked), and reads its process's resident memory.
 */
final class AgentProbe {
    /** The agent answers reads only to callers allowed to list pods: the local cluster's administrator here. */
    private static final String READ_HEADER = "Kubectl-Sidecar-Authorization";
    private static final String READ_CREDENTIAL = "Bearer " + AccessReviews.ADMIN_TOKEN;
    static final Map<String, String> READER = Map.of(READ_HEADER, READ_CREDENTIAL);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final RunningAgent agent;
    private final HttpCalls calls;
    private final String serverName;

    AgentProbe(RunningAgent agent, HttpCalls calls, String serverName) {
        this.agent = agent;
        this.calls = calls;
        this.serverName = serverName;
    }

    /** GET {@code uri}; the status and body. */
    HttpCalls.Reply get(String uri) throws CallFailure {
        return calls.send(new HttpCalls.Call(HttpMethod.GET, new ServiceRoutes.Target(agent.host(), agent.port()),
                serverName, agent.port(), uri, new HttpCalls.Trust.Any(), READER, null, TIMEOUT));
    }

    /**
     * Times {@code GET uri} with curl (a fresh connection, the certificate not checked, the body counted and
     * dropped), so that what is timed is the agent and not a client in this busy JVM.
     *
     * @return the wall time in nanoseconds and the answer's size in bytes
     */
    long[] curl(String uri) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-sk", "--fail", "-o", "/dev/null", "-w", "%{time_total} %{size_download}",
                "-H", READ_HEADER + ": " + READ_CREDENTIAL, "https://" + agent.host() + ":" + agent.port() + uri).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (curl.waitFor() != 0) {
            throw new IllegalStateException("curl " + uri + " failed (exit " + curl.exitValue() + "): " + out);
        }
        String[] parts = out.split(" ");
        return new long[] {(long) (Double.parseDouble(parts[0]) * 1e9), Long.parseLong(parts[1])};
    }

    /** Polls {@code /readyz} until it answers 200; returns the nanoTime it did. */
    long awaitReady(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!agent.alive()) {
                throw new IllegalStateException("the agent exited before it was ready: " + agent.diagnostics());
            }
            try {
                if (get("/readyz").status() == 200) {
                    return System.nanoTime();
                }
            } catch (CallFailure notListeningYet) {
                // not serving yet
            }
            Thread.sleep(25);
        }
        throw new IllegalStateException("the agent was not ready within " + limit.toSeconds() + " s: " + agent.diagnostics());
    }

    /** The CPU time the agent's process has used so far (all its threads, user and system). */
    Duration cpuTime() {
        long pid = pid();
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
    }

    /** VmRSS of the agent's process, in MiB. */
    double rssMiB() {
        return ProcessMemory.procStatusKib(pid(), "VmRSS") / 1024.0;
    }

    /** The largest RSS the process had so far (VmHWM), in MiB. */
    double peakRssMiB() {
        return ProcessMemory.procStatusKib(pid(), "VmHWM") / 1024.0;
    }

    /** The heap's committed and used MiB now, see {@link ProcessMemory#heapMiB}. */
    Optional<double[]> heapMiB() {
        return ProcessMemory.heapMiB(pid());
    }

    private long pid() {
        return agent.pid().orElseThrow(() -> new IllegalStateException("the agent is not a process of its own"));
    }
}
