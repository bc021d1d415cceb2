package dev.kubectlsidecar.agent.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Map;

/** Whether a private key is the other half of a certificate's public key: a sign-and-verify probe. */
public final class KeyMatch {
    private static final Map<String, String> PROBE_SIGNATURES =
            Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "Ed25519", "Ed25519", "EdDSA", "Ed25519");
    private static final byte[] PROBE = "kubectl-sidecar key check".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {
    }

    /** True when they match, or when the key's algorithm has no probe here (the TLS handshake will tell). */
    public static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = PROBE_SIGNATURES.get(key.getAlgorithm());
        if (algorithm == null) {
            return true;
        }
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(PROBE);
        return verifier.verify(signature);
    }
}
