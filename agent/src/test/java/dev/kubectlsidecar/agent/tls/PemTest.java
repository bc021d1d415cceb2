package dev.kubectlsidecar.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemTest {
    private final CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
    private final CertificateAuthority first = issuer.newAuthority("first", Duration.ofDays(1));
    private final CertificateAuthority second = issuer.newAuthority("second", Duration.ofDays(1));

    @Test
    void certificatesRoundTripInOrder() {
        String bundle = Pem.certificates(List.of(first.certificate(), second.certificate()));
        assertThat(bundle).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Pem.parseCertificates(bundle, "bundle")).containsExactly(first.certificate(), second.certificate());
    }

    @Test
    void keysAreWrittenAsPkcs8AndRoundTrip() {
        String pem = Pem.privateKey(first.key());
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.parsePrivateKey(pem, "key").getEncoded()).isEqualTo(first.key().getEncoded());
        assertThat(CertificateAuthority.fromPem(first.certificatePem(), pem, "ca")).isEqualTo(first);
    }

    @Test
    void badInputNamesThePlace() {
        assertThatThrownBy(() -> Pem.parseCertificates("", "ca-bundle.crt"))
                .hasMessage("ca-bundle.crt: empty");
        assertThatThrownBy(() -> Pem.parseCertificates("hello", "ca-bundle.crt"))
                .hasMessage("ca-bundle.crt: no PEM CERTIFICATE block");
        assertThatThrownBy(() -> Pem.parseCertificates(Pem.privateKey(first.key()), "tls.crt"))
                .hasMessageStartingWith("tls.crt: expected only CERTIFICATE blocks");
        assertThatThrownBy(() -> Pem.parsePrivateKey(first.certificatePem(), "tls.key"))
                .hasMessageStartingWith("tls.key: expected a PRIVATE KEY block");
        assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "tls.crt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls.crt: ");
    }

    @Test
    void aKeyThatDoesNotFitItsCertificateIsRejected() {
        assertThatThrownBy(() -> new CertificateAuthority(first.certificate(), second.key()))
                .hasMessage("CA key does not belong to its certificate");
        ServingCertificate serving = issuer.issueServing(first, List.of("a.b.svc"), Duration.ofHours(1));
        assertThatThrownBy(() -> new CertificateAuthority(serving.certificate(), serving.key()))
                .hasMessageContaining("is not a CA");
    }
}
