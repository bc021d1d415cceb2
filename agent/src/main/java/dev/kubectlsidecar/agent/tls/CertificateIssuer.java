package dev.kubectlsidecar.agent.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the agent's certificates with BouncyCastle: a self-signed CA (ECDSA P-256, CA:true, keyCertSign) and
 * serving certificates it signs (ECDSA P-256, serverAuth, the Service's DNS names as SANs).
 *
 * <p>X.509 validity has second precision, so times are whole seconds. {@code notBefore} is set slightly in the past
 * (1% of the lifetime, at most 5 minutes) so an API server whose clock runs a little behind accepts a fresh
 * certificate; the serving certificate never outlives the CA that signed it.
 */
public final class CertificateIssuer {
    private static final Duration MAX_BACKDATE = Duration.ofMinutes(5);
    private static final String ORGANIZATION = "kubectl-sidecar";

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public CertificateIssuer(Clock clock) {
        this.clock = clock;
    }

    /**
     * The names a client may use for {@code service} in {@code namespace}: the certificate's SANs. The first is the
     * one the API server uses for a webhook's {@code clientConfig.service}.
     */
    public static List<String> serviceDnsNames(String service, String namespace) {
        return List.of(service + "." + namespace + ".svc", service, service + "." + namespace,
                service + "." + namespace + ".svc.cluster.local");
    }

    public CertificateAuthority newAuthority(String commonName, Duration lifetime) {
        KeyPair keys = KeyPairs.newP256();
        X500Name subject = name(commonName + " " + clock.instant().getEpochSecond());
        Instant notBefore = notBefore(lifetime);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
                Date.from(notBefore.plus(lifetime)), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build CA certificate extensions: " + e.getMessage(), e);
        }
        return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
    }

    /** Signed by {@code ca}; the first DNS name is also the subject's CN. */
    public ServingCertificate issueServing(CertificateAuthority ca, List<String> dnsNames, Duration lifetime) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name");
        }
        KeyPair keys = KeyPairs.newP256();
        Instant notBefore = notBefore(lifetime);
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        Instant notAfter = notBefore.plus(lifetime).isAfter(caNotAfter) ? caNotAfter : notBefore.plus(lifetime);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(notBefore), Date.from(notAfter), name(dnsNames.get(0)),
                keys.getPublic());
        GeneralName[] sans = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            PublicKey caKey = ca.certificate().getPublicKey();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caKey));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build serving certificate extensions: " + e.getMessage(), e);
        }
        return new ServingCertificate(sign(builder, ca.key()), keys.getPrivate());
    }

    private Instant notBefore(Duration lifetime) {
        Duration backdate = lifetime.dividedBy(100);
        if (backdate.compareTo(MAX_BACKDATE) > 0) {
            backdate = MAX_BACKDATE;
        }
        return clock.instant().minus(backdate).truncatedTo(ChronoUnit.SECONDS);
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE); // positive, at most 16 bytes
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(KeyPairs.SIGNATURE).build(signer)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign certificate: " + e.getMessage(), e);
        }
    }
}
