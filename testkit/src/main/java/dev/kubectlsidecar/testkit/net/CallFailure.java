package dev.kubectlsidecar.testkit.net;

import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A call that got no HTTP answer. The message reads like the API server's (Go's) words for the same failure, so a
 * rejected pod here shows what it would show on a real cluster.
 */
public final class CallFailure extends Exception {
    public CallFailure(String message, Throwable cause) {
        super(message, cause);
    }

    static CallFailure of(Throwable error, ServiceRoutes.Target target, String serverName) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new CallFailure("dial tcp " + target + ": connect: connection refused", error);
            }
            if (t instanceof UnknownHostException) {
                return new CallFailure("dial tcp: lookup " + target.host() + ": no such host", error);
            }
            if (t instanceof CertificateException || t instanceof SSLException) {
                return new CallFailure(tls(error, serverName), error);
            }
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new CallFailure("context deadline exceeded", error);
            }
            if (t instanceof HttpClosedException) {
                return new CallFailure("EOF", error);
            }
        }
        return new CallFailure(String.valueOf(error), error);
    }

    private static String tls(Throwable error, String serverName) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        String text = all.toString();
        if (text.contains("unable to find valid certification path") || text.contains("PKIX")
                || text.contains("No trusted certificate")) {
            return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "tls: failed to verify certificate: x509: certificate is not valid for " + serverName;
        }
        return "remote error: tls: " + firstLine(text);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
