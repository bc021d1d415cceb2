package dev.kubectlsidecar.agent.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

/** ECDSA P-256 keys from the JDK's own provider (so the JDK's TLS stack and Vert.x take them as they are). */
final class KeyPairs {
    static final String SIGNATURE = "SHA256withECDSA";

    private KeyPairs() {
    }

    static KeyPair newP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make ECDSA P-256 keys: " + e.getMessage(), e);
        }
    }

    /** Fails unless {@code key} is the private half of the certificate's public key. */
    static void requireMatch(X509Certificate certificate, PrivateKey key, String what) {
        try {
            if (KeyMatch.matches(certificate, key)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + " key does not fit its certificate: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + " key does not belong to its certificate");
    }
}
