package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.http.KeyCertificatePair;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping the serving certificate while clients keep calling: new connections get it, nobody fails. */
class CertificateReloadTest {
    @Test
    void swapsUnderLoadFailNoRequestAndNewConnectionsSeeTheNewCertificate(@TempDir Path dir) throws Exception {
        try (RunningAgent running = RunningAgent.start(dir)) {
            TestPki.Issued otherCa = TestPki.ca("rotated-ca");
            SSLContext trustsBoth = TestPki.trusting(running.ca.certificate(), otherCa.certificate());
            String review = JsonMappers.JSON.writeValueAsString(Reviews.podCreate("u", "shop", Reviews.pod("p")));
            AtomicBoolean calling = new AtomicBoolean(true);
            AtomicInteger succeeded = new AtomicInteger();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean keepAlive = i % 2 == 0;
                Thread client = new Thread(() -> {
                    HttpClient shared = RunningAgent.client(trustsBoth);
                    while (calling.get()) {
                        try {
                            // Half the clients keep one connection, half open a new one for every request.
                            int status = keepAlive ? viaSharedClient(shared, running, review) : viaNewConnection(
                                    trustsBoth, running, review);
                            if (status == 200) {
                                succeeded.incrementAndGet();
                            } else {
                                failures.add("status " + status);
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }, "client-" + i);
                client.start();
                clients.add(client);
            }
            Eventually.await("the clients are calling", () -> succeeded.get() > 4);
            TestPki.Issued last = null;
            for (int swap = 0; swap < 6; swap++) {
                last = TestPki.serving(swap % 2 == 0 ? otherCa : running.ca);
                running.agent.server().useCertificate(KeyCertificatePair.of(running.agent.vertx(), "swap " + swap,
                                Buffer.buffer(last.certificatePem()), Buffer.buffer(last.pkcs8KeyPem())))
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                int before = succeeded.get();
                Eventually.await("calls with certificate " + swap, () -> succeeded.get() >= before + 3);
            }
            calling.set(false);
            for (Thread client : clients) {
                client.join(20_000);
            }
            assertThat(failures).isEmpty();
            assertThat(succeeded.get()).isGreaterThan(4);
            assertThat(peerCertificate(trustsBoth, running)).isEqualTo(last.certificate());
            assertThat(running.agent.server().certificate().leaf()).isEqualTo(last.certificate());
        }
    }

    @Test
    void standaloneReloadsChangedCertificateFiles(@TempDir Path dir) throws Exception {
        try (RunningAgent running = RunningAgent.start(dir)) {
            TestPki.Issued next = TestPki.serving(running.ca);
            SSLContext tls = TestPki.trusting(running.ca.certificate());
            assertThat(peerCertificate(tls, running)).isNotEqualTo(next.certificate());
            next.writeTo(running.certificateFile, running.keyFile);
            Eventually.await("new connections get the new certificate",
                    () -> peerCertificate(tls, running).equals(next.certificate()));
            assertThat(running.get("/readyz").body()).contains("certificate: ok");
        }
    }

    private static int viaSharedClient(HttpClient client, RunningAgent running, String review) throws Exception {
        return client.send(HttpRequest.newBuilder(running.uri("/inject"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(review)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int viaNewConnection(SSLContext tls, RunningAgent running, String review) throws Exception {
        try (RawHttps raw = new RawHttps(tls, running.agent.port())) {
            raw.write("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + review.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + review);
            return RawHttps.status(raw.readAll());
        }
    }

    private static X509Certificate peerCertificate(SSLContext tls, RunningAgent running) throws Exception {
        try (RawHttps raw = new RawHttps(tls, running.agent.port())) {
            return raw.peerCertificate();
        }
    }
}
