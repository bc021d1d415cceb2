package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.Messages;
import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A failed TLS connection to the API server, named for what it is and what fixes it: the server's certificate is
 * not signed by the kubeconfig's certificate authority, has expired (or is not valid yet), or does not name the
 * host the kubeconfig connects to; or the server refused our client certificate, or does not speak TLS. To say
 * which names and dates the certificate holds, the certificate is read again without trusting it, only to report.
 */
final class TlsFailure {
    private static final int READ_TIMEOUT_MILLIS = 3000;

    private TlsFailure() {
    }

    /** The message for this failure, or empty when it is not a TLS failure. */
    static Optional<String> explain(Throwable failure, String server, String cluster) {
        SSLException ssl = find(failure, SSLException.class);
        if (ssl == null) {
            return Optional.empty();
        }
        String at = "cannot trust the API server at " + server + ": ";
        String kubeconfigCluster = "the kubeconfig's cluster \"" + cluster + "\"";
        Optional<X509Certificate> certificate = Optional.empty();
        if (find(failure, CertificateExpiredException.class) != null || reason(failure, CertPathValidatorException.BasicReason.EXPIRED)) {
            certificate = peer(server);
            return Optional.of(at + "its certificate expired" + certificate.map(c -> " on " + c.getNotAfter().toInstant()).orElse("")
                    + " (this machine's clock says " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "): renew the cluster's serving certificate (e.g. kubeadm certs renew apiserver), or fix this machine's clock");
        }
        if (find(failure, CertificateNotYetValidException.class) != null || reason(failure, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
            certificate = peer(server);
            return Optional.of(at + "its certificate is not valid until" + certificate.map(c -> " " + c.getNotBefore().toInstant()).orElse(" later")
                    + ": check this machine's clock (it says " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")");
        }
        String text = messages(failure);
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            String host = URI.create(server).getHost();
            certificate = peer(server);
            return Optional.of(at + "its certificate is not valid for " + host
                    + certificate.map(c -> " (it names " + String.join(", ", names(c)) + ")").orElse("")
                    + ": use a server address the certificate names in " + kubeconfigCluster
                    + ", or set its tls-server-name to one of them");
        }
        if (text.contains("PKIX path") || text.contains("unable to find valid certification path")
                || text.contains("signature check failed") || text.contains("Path does not chain")) {
            certificate = peer(server);
            return Optional.of(at + "its certificate" + certificate.map(c -> " (issued by " + c.getIssuerX500Principal().getName() + ")").orElse("")
                    + " is not signed by the certificate authority in " + kubeconfigCluster
                    + ": check that this kubeconfig belongs to this cluster and its certificate-authority-data is current"
                    + " (get a fresh kubeconfig from your cluster provider)");
        }
        if (text.contains("bad_certificate") || text.contains("certificate_required") || text.contains("unknown_ca")
                || text.contains("certificate_expired") || text.contains("certificate_revoked")) {
            return Optional.of("the API server at " + server + " refused this kubeconfig's client certificate ("
                    + Messages.firstLine(ssl.getMessage()) + "): renew the user's client-certificate-data, or get a fresh kubeconfig");
        }
        if (text.contains("Unsupported or unrecognized SSL message") || text.contains("plaintext connection")) {
            return Optional.of("the server at " + server + " does not speak TLS: is its address http:// rather than https://,"
                    + " or the wrong port? Check the server in " + kubeconfigCluster);
        }
        return Optional.of("TLS with the API server at " + server + " failed: " + Messages.firstLine(ssl.getMessage())
                + ": check " + kubeconfigCluster + "'s server and certificate-authority-data");
    }

    /**
     * The server's certificate, only to describe it: a handshake whose trust manager records the chain and then
     * refuses it, so no connection to the untrusted server is ever completed. Empty when it cannot be read.
     */
    private static Optional<X509Certificate> peer(String server) {
        Recorder recorder = new Recorder();
        try {
            URI uri = URI.create(server);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            int port = uri.getPort() > 0 ? uri.getPort() : 443;
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), READ_TIMEOUT_MILLIS);
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                socket.startHandshake();
            }
        } catch (Exception e) {
            // refused by the recorder, as intended, or unreachable by now
        }
        return Optional.ofNullable(recorder.presented);
    }

    private static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(entry -> names.add(String.valueOf(entry.get(1))));
            }
        } catch (CertificateParsingException e) {
            // described without names
        }
        if (names.isEmpty()) {
            names.add("no subject alternative names; subject " + certificate.getSubjectX500Principal().getName());
        }
        return names;
    }

    private static boolean reason(Throwable failure, CertPathValidatorException.Reason reason) {
        CertPathValidatorException e = find(failure, CertPathValidatorException.class);
        return e != null && e.getReason() == reason;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static String messages(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            text.append(cause.getMessage()).append('\n');
        }
        return text.toString();
    }

    /** Records the certificate the server presents and refuses it. */
    private static final class Recorder implements X509TrustManager {
        private volatile X509Certificate presented;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain != null && chain.length > 0) {
                presented = chain[0];
            }
            throw new CertificateException("recorded to describe it, never trusted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
