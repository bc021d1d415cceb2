package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.agent.http.InvalidCertificateException;
import dev.kubectlsidecar.agent.http.KeyCertificatePair;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server speaks TLS with the certificate it was given, and a client that trusts another CA cannot connect. */
class TlsTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();

    @Test
    void clientTrustingOnlyTheTestCaConnects() throws Exception {
        HttpResponse<String> response = running.get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void clientTrustingAnotherCaFailsTheHandshake() throws Exception {
        SSLContext other = TestPki.trusting(TestPki.ca("some-other-ca").certificate());
        assertThatThrownBy(() -> RunningAgent.client(other).send(
                        java.net.http.HttpRequest.newBuilder(running.uri("/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void certificateVerifiesForTheServiceName() throws Exception {
        try (SSLSocket socket = connect(TestPki.SERVICE_NAME)) {
            socket.startHandshake();
            X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            assertThat(peer).isEqualTo(running.agent.server().certificate().leaf());
        }
        try (SSLSocket socket = connect("kubectl-sidecar-agent.elsewhere.svc")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    /** A TLS connection to 127.0.0.1 that verifies the server's certificate for {@code hostname}. */
    private static SSLSocket connect(String hostname) throws Exception {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", running.agent.port()), 5000);
        SSLSocket socket = (SSLSocket) TestPki.trusting(running.ca.certificate()).getSocketFactory()
                .createSocket(plain, hostname, running.agent.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new SNIHostName(hostname)));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(5000);
        return socket;
    }

    @Test
    void keysInEveryPemFormatLoad() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            TestPki.Issued ca = TestPki.ca("formats");
            TestPki.Issued ec = TestPki.serving(ca);
            TestPki.Issued rsa = TestPki.servingRsa(ca);
            assertThat(ec.traditionalKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
            assertThat(rsa.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
            for (TestPki.Issued issued : List.of(ec, rsa)) {
                for (String key : List.of(issued.pkcs8KeyPem(), issued.traditionalKeyPem())) {
                    KeyCertificatePair loaded = KeyCertificatePair.of(vertx, "test",
                            Buffer.buffer(issued.certificatePem()), Buffer.buffer(key));
                    assertThat(loaded.leaf()).isEqualTo(issued.certificate());
                }
            }
        } finally {
            vertx.close();
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            TestPki.Issued ca = TestPki.ca("mismatch");
            TestPki.Issued one = TestPki.serving(ca);
            TestPki.Issued two = TestPki.serving(ca);
            assertThatThrownBy(() -> KeyCertificatePair.of(vertx, "tls.crt + tls.key",
                    Buffer.buffer(one.certificatePem()), Buffer.buffer(two.pkcs8KeyPem())))
                    .isInstanceOf(InvalidCertificateException.class)
                    .hasMessageStartingWith("tls.crt + tls.key: the private key does not belong to the certificate");
            assertThatThrownBy(() -> KeyCertificatePair.of(vertx, "tls.crt + tls.key",
                    Buffer.buffer(one.certificatePem()), Buffer.buffer("not a key")))
                    .isInstanceOf(InvalidCertificateException.class)
                    .hasMessageStartingWith("tls.crt + tls.key: cannot load the certificate and key");
        } finally {
            vertx.close();
        }
    }
}
