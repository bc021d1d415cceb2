package dev.kubectlsidecar.agent;

import java.net.http.HttpResponse;
import java.nio.file.Path;

/** {@link RunningAgent} for tests in other packages: an agent started in-process with a test CA, and HTTPS GETs to it. */
public final class InProcessAgent implements AutoCloseable {
    private final RunningAgent running;

    private InProcessAgent(RunningAgent running) {
        this.running = running;
    }

    /** Starts a standalone agent with the embedded default config, its TLS files in {@code dir}. */
    public static InProcessAgent start(Path dir) throws Exception {
        return new InProcessAgent(RunningAgent.start(dir));
    }

    public Agent agent() {
        return running.agent;
    }

    /** GET over HTTPS, trusting only the agent's test CA. */
    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return running.get(pathAndQuery);
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
