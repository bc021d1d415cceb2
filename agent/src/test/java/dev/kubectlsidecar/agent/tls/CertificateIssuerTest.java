package dev.kubectlsidecar.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateIssuerTest {
    private static final String SERVICE_HOST = "kubectl-sidecar-agent.kubectl-sidecar.svc";
    private static final List<String> NAMES = CertificateIssuer.serviceDnsNames("kubectl-sidecar-agent", "kubectl-sidecar");

    private final CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
    private final CertificateAuthority ca = issuer.newAuthority("test-ca", Duration.ofDays(365));
    private final ServingCertificate serving = issuer.issueServing(ca, NAMES, Duration.ofDays(90));

    @Test
    void serviceNamesCoverEveryFormOfTheServiceName() {
        assertThat(NAMES).containsExactlyInAnyOrder("kubectl-sidecar-agent", "kubectl-sidecar-agent.kubectl-sidecar",
                SERVICE_HOST, "kubectl-sidecar-agent.kubectl-sidecar.svc.cluster.local");
    }

    @Test
    void caIsAP256CertificateAuthorityForAYear() throws Exception {
        X509Certificate cert = ca.certificate();
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(365));
        cert.verify(cert.getPublicKey()); // self-signed
    }

    @Test
    void servingCertificateNamesTheServiceAndIsForServerAuthOnly() throws Exception {
        X509Certificate cert = serving.certificate();
        assertThat(serving.dnsNames()).containsExactlyInAnyOrderElementsOf(NAMES);
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(Duration.between(serving.notBefore(), serving.notAfter())).isEqualTo(Duration.ofDays(90));
        assertThat(serving.signedBy(ca.certificate())).isTrue();
        assertThat(serving.signedBy(issuer.newAuthority("other", Duration.ofDays(1)).certificate())).isFalse();
    }

    @Test
    void lifetimesAreParametersInSecondsAndServingNeverOutlivesItsCa() {
        CertificateAuthority shortCa = issuer.newAuthority("short", Duration.ofSeconds(10));
        ServingCertificate shortServing = issuer.issueServing(shortCa, NAMES, Duration.ofSeconds(6));
        assertThat(Duration.between(shortServing.notBefore(), shortServing.notAfter())).isEqualTo(Duration.ofSeconds(6));

        ServingCertificate capped = issuer.issueServing(shortCa, NAMES, Duration.ofDays(1));
        assertThat(capped.notAfter()).isEqualTo(shortCa.certificate().getNotAfter().toInstant());
    }

    @Test
    void notBeforeIsBackdatedByAHundredthOfTheLifeAtMostFiveMinutes() {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        CertificateIssuer fixed = new CertificateIssuer(clock);
        CertificateAuthority yearCa = fixed.newAuthority("year", Duration.ofDays(365));
        assertThat(yearCa.certificate().getNotBefore().toInstant()).isEqualTo(Instant.parse("2029-12-31T23:55:00Z"));
        ServingCertificate minute = fixed.issueServing(yearCa, NAMES, Duration.ofSeconds(100));
        assertThat(minute.notBefore()).isEqualTo(Instant.parse("2029-12-31T23:59:59Z"));
    }

    @Test
    void opensslVerifiesTheChainAndTheServiceHostName(@TempDir Path dir) throws Exception {
        Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Path servingFile = Files.writeString(dir.resolve("serving.pem"), Pem.certificates(List.of(serving.certificate())));

        Result ok = openssl(dir, "verify", "-CAfile", caFile.toString(), "-verify_hostname", SERVICE_HOST,
                "-purpose", "sslserver", servingFile.toString());
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("serving.pem: OK");

        Result wrongHost = openssl(dir, "verify", "-CAfile", caFile.toString(), "-verify_hostname", "evil.example.com",
                servingFile.toString());
        assertThat(wrongHost.exit()).as(wrongHost.output()).isNotZero();

        Path otherCa = Files.writeString(dir.resolve("other.pem"), issuer.newAuthority("other", Duration.ofDays(1)).certificatePem());
        Result wrongCa = openssl(dir, "verify", "-CAfile", otherCa.toString(), servingFile.toString());
        assertThat(wrongCa.exit()).as(wrongCa.output()).isNotZero();
    }

    @Test
    void aClientTrustingOnlyTheCaCompletesAHandshakeWithTheServiceName() throws Exception {
        ServingBundle bundle = new TlsMaterial(ca, java.util.Optional.empty(), List.of(), serving, Instant.now()).servingBundle();
        try (TlsTestServer server = new TlsTestServer(TlsContexts.server(bundle))) {
            X509Certificate seen = TlsContexts.handshake(TlsContexts.clientTrusting(bundle.caCertsPem()), server.port(), SERVICE_HOST);
            assertThat(seen).isEqualTo(serving.certificate());

            SSLContext otherTrust = TlsContexts.clientTrusting(issuer.newAuthority("other", Duration.ofDays(1)).certificatePem());
            assertThatThrownBy(() -> TlsContexts.handshake(otherTrust, server.port(), SERVICE_HOST))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> TlsContexts.handshake(TlsContexts.clientTrusting(bundle.caCertsPem()), server.port(),
                    "other-service.kubectl-sidecar.svc"))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("other-service");
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.assumeTrue(false, "the openssl CLI is not installed: " + e.getMessage());
            throw e;
        }
        boolean done = process.waitFor(30, TimeUnit.SECONDS);
        assertThat(done).as("openssl finished").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
