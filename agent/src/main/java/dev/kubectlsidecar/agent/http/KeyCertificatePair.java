package dev.kubectlsidecar.agent.http;

import dev.kubectlsidecar.agent.tls.KeyMatch;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A serving certificate chain and its private key, as PEM (the key PKCS#8, or PKCS#1 RSA / SEC1 EC), checked
 * before use: both parse, and the key belongs to the leaf certificate. A mismatched pair would otherwise only
 * show as failed handshakes after a reload.
 */
public final class KeyCertificatePair {
    private final PemKeyCertOptions options;
    private final X509Certificate leaf;

    private KeyCertificatePair(PemKeyCertOptions options, X509Certificate leaf) {
        this.options = options;
        this.leaf = leaf;
    }

    /** @throws InvalidCertificateException naming {@code source} when the pair is unusable */
    public static KeyCertificatePair of(Vertx vertx, String source, Buffer certificatePem, Buffer keyPem) {
        PemKeyCertOptions options = new PemKeyCertOptions().setCertValue(certificatePem).setKeyValue(keyPem);
        try {
            KeyStore store = options.loadKeyStore(vertx);
            String alias = Collections.list(store.aliases()).stream().filter(a -> isKeyEntry(store, a)).findFirst()
                    .orElseThrow(() -> new InvalidCertificateException(source + ": no private key"));
            X509KeyManager keys = x509(options.getKeyManagerFactory(vertx).getKeyManagers());
            X509Certificate leaf = (X509Certificate) store.getCertificate(alias);
            PrivateKey key = keys.getPrivateKey(alias);
            if (key == null) {
                throw new InvalidCertificateException(source + ": no private key");
            }
            checkPair(source, leaf, key);
            return new KeyCertificatePair(options, leaf);
        } catch (InvalidCertificateException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidCertificateException(source + ": cannot load the certificate and key: " + e);
        }
    }

    public static KeyCertificatePair read(Vertx vertx, Path certificate, Path key) {
        try {
            return of(vertx, certificate + " + " + key,
                    Buffer.buffer(Files.readAllBytes(certificate)), Buffer.buffer(Files.readAllBytes(key)));
        } catch (IOException e) {
            throw new InvalidCertificateException("cannot read the TLS certificate or key: " + e);
        }
    }

    public PemKeyCertOptions keyCertOptions() {
        return options.copy();
    }

    public X509Certificate leaf() {
        return leaf;
    }

    /** The leaf's subject and validity, for logs and {@code /readyz}. */
    public String describe() {
        return leaf.getSubjectX500Principal().getName() + ", valid " + leaf.getNotBefore().toInstant() + " to "
                + leaf.getNotAfter().toInstant();
    }

    private static boolean isKeyEntry(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509KeyManager x509(KeyManager[] managers) {
        for (KeyManager manager : managers) {
            if (manager instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new InvalidCertificateException("no X.509 key manager");
    }

    private static void checkPair(String source, X509Certificate leaf, PrivateKey key) throws GeneralSecurityException {
        if (!KeyMatch.matches(leaf, key)) {
            throw new InvalidCertificateException(source + ": the private key does not belong to the certificate "
                    + leaf.getSubjectX500Principal().getName());
        }
    }
}
