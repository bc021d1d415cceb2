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

    /** Sends {@code GET target} exactly as given (a URI class would refuse a malformed query) and returns the raw answer. */
    public String rawGet(String target) throws Exception {
        try (RawHttps raw = new RawHttps(TestPki.trusting(running.ca.certificate()), running.agent.port())) {
            raw.write("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return raw.readAll();
        }
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
