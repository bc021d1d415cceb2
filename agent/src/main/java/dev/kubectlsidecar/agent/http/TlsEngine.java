package dev.kubectlsidecar.agent.http;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS implementation of the webhook server: BoringSSL (netty-tcnative, shipped for Linux x86-64 and arm64) where
 * its native library loads, otherwise the JDK's. Both serve the same protocols and certificates; BoringSSL costs
 * about half the CPU per review (BENCHMARKS.md).
 */
public final class TlsEngine {
    private TlsEngine() {
    }

    static SSLEngineOptions options() {
        return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** For the start-up log line. */
    public static String name() {
        return OpenSSLEngineOptions.isAvailable() ? "BoringSSL" : "JDK";
    }
}
