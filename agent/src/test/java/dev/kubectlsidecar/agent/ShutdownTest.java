package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.http.Reply;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping lets reviews in flight finish, refuses new connections, and is bounded when a request never ends. */
class ShutdownTest {
    @Test
    void inFlightRequestCompletesWhenStopIsRequested(@TempDir Path dir) throws Exception {
        RunningAgent running = RunningAgent.start(dir);
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // A request that is in flight for as long as the test wants: answered only once released.
        running.agent.routes().post("/held", request -> {
            arrived.countDown();
            running.agent.vertx().executeBlocking(() -> release.await(20, TimeUnit.SECONDS))
                    .onComplete(done -> Reply.text(200, "finished\n").send(request));
        });
        CompletableFuture<HttpResponse<String>> inFlight = running.client.sendAsync(
                HttpRequest.newBuilder(running.uri("/held")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = running.agent.stop(Duration.ofSeconds(10)).toCompletionStage()
                .toCompletableFuture();
        Eventually.await("new connections are refused", () -> refusesConnections(running));
        assertThat(stopped).isNotDone();
        assertThat(inFlight).isNotDone();

        release.countDown();
        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("finished\n");
        stopped.get(10, TimeUnit.SECONDS);
    }

    @Test
    void stopIsBoundedWhenARequestNeverEnds(@TempDir Path dir) throws Exception {
        RunningAgent running = RunningAgent.start(dir);
        CountDownLatch arrived = new CountDownLatch(1);
        running.agent.routes().post("/never", request -> arrived.countDown());
        running.client.sendAsync(
                HttpRequest.newBuilder(running.uri("/never")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        running.agent.stop(Duration.ofMillis(500)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(refusesConnections(running)).isTrue();
    }

    private static boolean refusesConnections(RunningAgent running) {
        try (RawHttps raw = new RawHttps(TestPki.trusting(running.ca.certificate()), running.agent.port())) {
            raw.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return raw.readAll().isEmpty();
        } catch (IOException e) {
            return true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
