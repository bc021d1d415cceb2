package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.testkit.agent.RunningAgent;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import dev.kubectlsidecar.testkit.net.ServiceRoutes;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Asks the running agent directly, over HTTPS on its own port, the way the API server's proxy and the kubelet's
 * probes do (a fresh connection per call, its certificate not checked), and reads its process's resident memory.
 */
final class AgentProbe {
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
                serverName, agent.port(), uri, new HttpCalls.Trust.Any(), Map.of(), null, TIMEOUT));
    }

    /**
     * Times {@code GET uri} with curl (a fresh connection, the certificate not checked, the body counted and
     * dropped), so that what is timed is the agent and not a client in this busy JVM.
     *
     * @return the wall time in nanoseconds and the answer's size in bytes
     */
    long[] curl(String uri) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-sk", "--fail", "-o", "/dev/null", "-w", "%{time_total} %{size_download}",
                "https://" + agent.host() + ":" + agent.port() + uri).redirectErrorStream(true).start();
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
        long pid = agent.pid().orElseThrow(() -> new IllegalStateException("the agent is not a process of its own"));
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
    }

    /** VmRSS of the agent's process, in MiB. */
    double rssMiB() {
        long pid = agent.pid().orElseThrow(() -> new IllegalStateException("the agent is not a process of its own"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("read /proc/" + pid + "/status", e);
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no VmRSS");
    }
}
