package dev.kubectlsidecar.agent.http;

import dev.kubectlsidecar.agent.health.ReadinessCheck;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.agent.webhook.InjectHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The webhook's HTTPS server: TLS (1.2+, HTTP/1.1), the routes, request limits and error answers. One server
 * instance per event loop shares the port. The certificate can be swapped while serving ({@link #useCertificate});
 * connections already open keep the certificate they shook hands with.
 */
public final class AdmissionServer {
    private static final System.Logger LOG = System.getLogger(AdmissionServer.class.getName());

    /**
     * The largest review: the API server takes request bodies up to 3 MiB and stores objects up to 1.5 MiB (etcd's
     * limit); a review of the largest storable pod, as JSON, with its request envelope, fits in 3 MiB.
     */
    public static final long MAX_BODY_BYTES = 3L * 1024 * 1024;
    /** The API server gives a webhook at most 30 s (10 s by default) for the whole call. */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(10);
    /**
     * Longer than the API server keeps an idle connection to a webhook (Go's {@code IdleConnTimeout}, 90 s), so it
     * is always the API server that closes its own: closing first would race its next request on that connection.
     */
    private static final int IDLE_TIMEOUT_SECONDS = 120;
    private static final int HANDSHAKE_TIMEOUT_SECONDS = 5;
    /** Open connections at most; the API servers need a few dozen. Over it, the idlest connection is closed. */
    public static final int MAX_CONNECTIONS = 256;
    /**
     * Heap a review takes per byte of its JSON at its peak: the body, its tree (~16 bytes per byte for a pod of many
     * small entries) and the engine's copy of it; measured (BENCHMARKS.md).
     */
    static final long HEAP_PER_REVIEW_BYTE = 32;
    /** Heap kept for everything but reviews: the pod states of 10 000 tracked pods, caches, TLS, the client. */
    static final long HEAP_RESERVE = 40L * 1024 * 1024;

    private final Vertx vertx;
    private final Routes routes;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final ConnectionLimit connections = new ConnectionLimit(MAX_CONNECTIONS);
    private final ReviewBudget budget;
    private volatile KeyCertificatePair certificate;

    /** @param routes the routes besides {@code POST /inject}, which this server adds */
    public AdmissionServer(Vertx vertx, KeyCertificatePair certificate, InjectHandler inject, AgentMetrics metrics,
                           Routes routes) {
        this.vertx = vertx;
        this.certificate = certificate;
        this.budget = new ReviewBudget(vertx, reviewBudgetBytes());
        metrics.reviewBudget(budget::used, budget::waiting);
        metrics.connections(connections::open, connections::evicted);
        this.routes = routes.post("/inject",
                new InjectEndpoint(vertx, inject, metrics, budget, Math.min(MAX_BODY_BYTES, budget.capacity()),
                        BODY_DEADLINE));
    }

    /**
     * Listens on {@code port} (0: an ephemeral one) with {@code instances} event loops.
     *
     * @return completes when every instance listens
     */
    public Future<Void> start(String host, int port, int instances) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                // A negative port is Vert.x's "one ephemeral port shared by all instances"; 0 would give each its own.
                .setPort(port == 0 ? -1 : port)
                .setSsl(true)
                .setSslEngineOptions(TlsEngine.options())
                .setKeyCertOptions(certificate.keyCertOptions())
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
        return vertx.deployVerticle(() -> new ServerVerticle(options, routes, connections, servers::add),
                new DeploymentOptions().setInstances(instances)).mapEmpty();
    }

    /**
     * The bytes of reviews held at once: a review costs about {@link #HEAP_PER_REVIEW_BYTE} times its size in heap
     * while parsed and injected, so the budget is what the heap leaves after {@link #HEAP_RESERVE}, divided by that.
     * With the Deployment's {@code -Xmx144m}: 3.25 MiB, one largest review or two 1.5 MiB pods at once.
     */
    static long reviewBudgetBytes() {
        return Math.max(256 * 1024, (Runtime.getRuntime().maxMemory() - HEAP_RESERVE) / HEAP_PER_REVIEW_BYTE);
    }

    public ReviewBudget budget() {
        return budget;
    }

    public int port() {
        return servers.get(0).actualPort();
    }

    public KeyCertificatePair certificate() {
        return certificate;
    }

    /**
     * Serves {@code next} to every new TLS connection from now on; open connections are not disturbed. The
     * in-cluster certificate manager calls this after a rotation; standalone, the file watcher does.
     */
    public Future<Void> useCertificate(KeyCertificatePair next) {
        // Every instance shares one listening socket, whose TLS context this replaces for all of them.
        return servers.get(0)
                .updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(next.keyCertOptions()), true)
                .onSuccess(updated -> {
                    certificate = next;
                    LOG.log(Level.INFO, "serving certificate now " + next.describe());
                })
                .mapEmpty();
    }

    /** Ready while the serving certificate is within its validity period. */
    public ReadinessCheck certificateCheck() {
        return () -> {
            KeyCertificatePair current = certificate;
            Instant now = Instant.now();
            boolean valid = !now.isBefore(current.leaf().getNotBefore().toInstant())
                    && !now.isAfter(current.leaf().getNotAfter().toInstant());
            return valid ? ReadinessCheck.Status.ready("serving " + current.describe())
                    : ReadinessCheck.Status.notReady("the serving certificate is outside its validity: "
                    + current.describe());
        };
    }

    /**
     * Stops accepting connections and lets in-flight requests finish, for at most {@code grace}; then closes
     * what is left.
     */
    public Future<Void> shutdown(Duration grace) {
        return Future.all(servers.stream().map(s -> s.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList())
                .mapEmpty();
    }
}
