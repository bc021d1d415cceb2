package dev.kubectlsidecar.agent.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS contexts built from PEM, the way a server and a strict client (the API server) would use them. */
public final class TlsContexts {
    private TlsContexts() {
    }

    public static SSLContext server(ServingBundle bundle) throws GeneralSecurityException, IOException {
        List<X509Certificate> chain = Pem.parseCertificates(bundle.certChainPem(), "chain");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("serving", Pem.parsePrivateKey(bundle.keyPem(), "key"), new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    /** A client context that trusts exactly the CAs in {@code caBundlePem}. */
    public static SSLContext clientTrusting(String caBundlePem) throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore(caBundlePem));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * A client context that trusts exactly the CAs in {@code caBundlePem} and checks validity periods at the time
     * {@code clock} says, as a client living on that clock would.
     */
    public static SSLContext clientTrusting(String caBundlePem, Clock clock) throws GeneralSecurityException, IOException {
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustStore(caBundlePem), new X509CertSelector());
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(clock.instant()));
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(parameters));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static KeyStore trustStore(String caBundlePem) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.parseCertificates(caBundlePem, "bundle")) {
            trust.setCertificateEntry("ca-" + i++, ca);
        }
        return trust;
    }

    /**
     * Connects to 127.0.0.1:{@code port} as if to {@code hostName} (SNI and HTTPS host name verification), completes
     * the handshake and reads the server's one-byte greeting; throws if any of that fails.
     */
    public static X509Certificate handshake(SSLContext client, int port, String hostName) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, hostName, port, true)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            if (in.read() != TlsTestServer.GREETING) {
                throw new IOException("no greeting from the server");
            }
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
