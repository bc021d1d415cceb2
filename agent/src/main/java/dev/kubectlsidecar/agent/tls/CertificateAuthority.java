package dev.kubectlsidecar.agent.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A CA certificate and the key that signs with it. */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

    public CertificateAuthority {
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("CA certificate " + certificate.getSubjectX500Principal().getName()
                    + " is not a CA (basicConstraints CA:false)");
        }
        KeyPairs.requireMatch(certificate, key, "CA");
    }

    public static CertificateAuthority fromPem(String certificatePem, String keyPem, String what) {
        List<X509Certificate> certificates = Pem.parseCertificates(certificatePem, what + " certificate");
        if (certificates.size() != 1) {
            throw new IllegalArgumentException(what + " certificate: expected one certificate, found " + certificates.size());
        }
        return new CertificateAuthority(certificates.get(0), Pem.parsePrivateKey(keyPem, what + " key"));
    }

    public String certificatePem() {
        return Pem.certificates(List.of(certificate));
    }

    public String keyPem() {
        return Pem.privateKey(key);
    }
}
