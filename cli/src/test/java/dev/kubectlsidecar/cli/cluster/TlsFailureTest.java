package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.kubectlsidecar.cli.CliRunner;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real HTTPS API server whose certificate the kubeconfig cannot trust, for each reason: another CA, expired,
 * not naming the address. Each is one line naming the problem and its fix, never "cannot reach the cluster" and
 * never a suggestion to skip verification.
 */
class TlsFailureTest {
    @TempDir
    Path dir;

    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private record Issued(KeyPair key, X509Certificate certificate) {
    }

    private static KeyPair key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static Issued ca(String name) throws Exception {
        KeyPair key = key();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name), BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofDays(1))), Date.from(Instant.now().plus(Duration.ofDays(30))),
                new X500Name("CN=" + name), key.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(key, sign(builder, key));
    }

    private static Issued serving(Issued ca, GeneralName name, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair key = key();
        var builder = new JcaX509v3CertificateBuilder(ca.certificate(), BigInteger.TWO, Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=kube-apiserver"), key.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
        return new Issued(key, sign(builder, ca.key()));
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    /** Serves HTTPS with this certificate; returns a kubeconfig that trusts {@code trusted}. */
    private Path serve(Issued serving, Issued caOfServing, Issued trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serving.key().getPrivate(), new char[0],
                new Certificate[] {serving.certificate(), caOfServing.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(trusted.certificate().getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: prod, cluster: {server: "https://127.0.0.1:%d", certificate-authority-data: %s}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: prod, context: {cluster: prod, user: u}}]
                current-context: prod
                """.formatted(server.getAddress().getPort(),
                Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))));
    }

    private static String failure(Path kubeconfig) {
        CliRunner.Result run = CliRunner.run("status", "--kubeconfig", kubeconfig.toString(), "--request-timeout", "10s");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).endsWith("\n");
        assertThat(run.err().strip()).doesNotContain("\n").doesNotContain("cannot reach").doesNotContain("cluster-info")
                .doesNotContain("--insecure-skip-tls-verify");
        return run.err();
    }

    private static GeneralName ip() {
        return new GeneralName(GeneralName.iPAddress, "127.0.0.1");
    }

    @Test
    void aCertificateFromAnotherAuthority() throws Exception {
        Issued clusterCa = ca("cluster-ca");
        Issued serving = serving(clusterCa, ip(), Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
        String err = failure(serve(serving, clusterCa, ca("some-other-ca")));
        assertThat(err).startsWith("error: cannot trust the API server at https://127.0.0.1:")
                .contains("(issued by CN=cluster-ca) is not signed by the certificate authority in the kubeconfig's cluster \"prod\"")
                .contains("certificate-authority-data");
    }

    @Test
    void anExpiredCertificate() throws Exception {
        Issued clusterCa = ca("cluster-ca");
        Instant expired = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued serving = serving(clusterCa, ip(), expired.minus(Duration.ofDays(30)), expired);
        String err = failure(serve(serving, clusterCa, clusterCa));
        assertThat(err).contains("its certificate expired on " + expired).contains("renew the cluster's serving certificate")
                .contains("this machine's clock");
    }

    @Test
    void aCertificateForAnotherName() throws Exception {
        Issued clusterCa = ca("cluster-ca");
        Issued serving = serving(clusterCa, new GeneralName(GeneralName.dNSName, "api.prod.example"),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
        String err = failure(serve(serving, clusterCa, clusterCa));
        assertThat(err).contains("its certificate is not valid for 127.0.0.1 (it names api.prod.example)")
                .contains("tls-server-name");
    }
}
