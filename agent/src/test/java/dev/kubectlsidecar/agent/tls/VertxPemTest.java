package dev.kubectlsidecar.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bundle's PEM is what the agent's Vert.x server loads: it serves with it, and {@code updateSSLOptions} swaps in
 * a renewed one for new connections. (The server itself belongs to the agent; this only pins the PEM format.)
 */
class VertxPemTest {
    private static final String HOST = "kubectl-sidecar-agent.kubectl-sidecar.svc";

    private final Vertx vertx = Vertx.vertx();
    private final RotationPolicy policy = new RotationPolicy(new CertificateIssuer(Clock.systemUTC()),
            new TlsLifetimes(Duration.ofDays(2), Duration.ofDays(1), Duration.ofMinutes(1)),
            CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", "kubectl-sidecar"), Clock.systemUTC());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void vertxServesTheBundleAndReloadsARenewedOne() throws Exception {
        TlsMaterial first = policy.apply(RotationPolicy.Step.CREATE, null);
        TlsMaterial renewed = policy.apply(RotationPolicy.Step.RENEW_SERVING, first);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(pem(first.servingBundle())))
                .requestHandler(request -> request.response().end("ok"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        SSLContext client = TlsContexts.clientTrusting(first.bundlePem());

        assertThat(get(client, server.actualPort())).isEqualTo(first.serving().certificate());
        boolean updated = server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem(renewed.servingBundle())))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(updated).isTrue();
        assertThat(get(client, server.actualPort())).isEqualTo(renewed.serving().certificate());
    }

    private static PemKeyCertOptions pem(ServingBundle bundle) {
        return new PemKeyCertOptions().addCertValue(Buffer.buffer(bundle.certChainPem())).addKeyValue(Buffer.buffer(bundle.keyPem()));
    }

    /** One HTTPS GET with host name verification; the certificate the server presented. */
    private static X509Certificate get(SSLContext client, int port) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, HOST, port, true)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(List.of(response.split("\r\n"))).first().isEqualTo("HTTP/1.1 200 OK");
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
