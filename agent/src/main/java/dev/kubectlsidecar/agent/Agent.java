package dev.kubectlsidecar.agent;

import dev.kubectlsidecar.agent.config.EngineHolder;
import dev.kubectlsidecar.agent.files.FilePoller;
import dev.kubectlsidecar.agent.health.Readiness;
import dev.kubectlsidecar.agent.http.AdmissionServer;
import dev.kubectlsidecar.agent.http.InvalidCertificateException;
import dev.kubectlsidecar.agent.http.KeyCertificatePair;
import dev.kubectlsidecar.agent.http.ReadAuthorizer;
import dev.kubectlsidecar.agent.http.Reply;
import dev.kubectlsidecar.agent.http.Routes;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.agent.webhook.InjectHandler;
import dev.kubectlsidecar.injector.ConfigDigest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A running agent: the webhook server and what feeds it (config, certificate, readiness, metrics). The
 * in-cluster parts hook in through {@link #engines()} (ConfigMap updates), {@link #server()}
 * ({@code useCertificate} after a rotation), {@link #readiness()} (more checks), {@link #metrics()} and
 * {@link #routes()} (more endpoints).
 */
public final class Agent {
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());

    private final Vertx vertx;
    private final EngineHolder engines;
    private final AdmissionServer server;
    private final Readiness readiness;
    private final AgentMetrics metrics;
    private final Routes routes;
    private final List<FilePoller> pollers = new ArrayList<>();

    private Agent(Vertx vertx, EngineHolder engines, AdmissionServer server, Readiness readiness,
                  AgentMetrics metrics, Routes routes) {
        this.vertx = vertx;
        this.engines = engines;
        this.server = server;
        this.readiness = readiness;
        this.metrics = metrics;
        this.routes = routes;
    }

    /**
     * Loads the config and the certificate (failing fast, with the exception's one-line message, when either is
     * unusable), then listens.
     */
    public static Future<Agent> start(AgentOptions options) {
        return start(options, vertx -> KeyCertificatePair.read(vertx, options.tlsCert(), options.tlsKey()));
    }

    /** As {@link #start(AgentOptions)}, with the certificate from elsewhere (in a cluster: the TLS Secret). */
    public static Future<Agent> start(AgentOptions options, Function<Vertx, KeyCertificatePair> firstCertificate) {
        return start(options, firstCertificate, (vertx, metrics) -> ReadAuthorizer.open());
    }

    /**
     * As {@link #start(AgentOptions, Function)}, with who may read {@code /api/v1/config} and {@code /api/v1/status}
     * (in a cluster: callers allowed to list pods).
     */
    public static Future<Agent> start(AgentOptions options, Function<Vertx, KeyCertificatePair> firstCertificate,
                                      BiFunction<Vertx, AgentMetrics, ReadAuthorizer> reads) {
        AgentMetrics metrics = new AgentMetrics();
        EngineHolder engines = options.config() == null
                ? new EngineHolder("the embedded default", ConfigLoader.embeddedDefault(), options.namespace(), metrics)
                : new EngineHolder(options.config().toString(), ConfigLoader.load(options.config()),
                        options.namespace(), metrics);
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(options.eventLoops())
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2));
        try {
            KeyCertificatePair certificate = firstCertificate.apply(vertx);
            Readiness readiness = new Readiness();
            Routes routes = new Routes(reads.apply(vertx, metrics));
            AdmissionServer server = new AdmissionServer(vertx, certificate,
                    new InjectHandler(engines, options.kubeVersion(), metrics), metrics, routes);
            Agent agent = new Agent(vertx, engines, server, readiness, metrics, routes);
            agent.addOperationalRoutes();
            readiness.add("certificate", server.certificateCheck());
            readiness.add("config", engines.readinessCheck());
            return server.start(options.host(), options.port(), options.eventLoops())
                    .map(listening -> agent.watchFiles(options))
                    .onFailure(failure -> vertx.close());
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** The agent's version, from its jar's manifest ("dev" when run from classes). */
    public static String version() {
        String version = Agent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private void addOperationalRoutes() {
        routes.get("/healthz", request -> Reply.text(200, "ok\n"))
                .get("/readyz", request -> {
                    Readiness.Report report = readiness.report();
                    return Reply.text(report.ready() ? 200 : 503, report.text());
                })
                .get("/metrics", request -> Reply.text(200, AgentMetrics.CONTENT_TYPE, metrics.scrape()))
                .getAuthorized("/api/v1/config", request -> null,
                        request -> Reply.json(200, JsonMappers.JSON.valueToTree(engines.config())))
                .get("/version", request -> Reply.json(200, Json.object().put("version", version())
                        .put("configDigest", ConfigDigest.of(engines.config()))));
    }

    private Agent watchFiles(AgentOptions options) {
        if (options.config() != null) {
            pollers.add(new FilePoller("config", List.of(options.config()), options.pollInterval(),
                    () -> engines.load(options.config())));
        }
        if (options.tlsCert() != null) {
            pollers.add(new FilePoller("tls", List.of(options.tlsCert(), options.tlsKey()), options.pollInterval(),
                    () -> reloadCertificate(options)));
        }
        return this;
    }

    private void reloadCertificate(AgentOptions options) {
        try {
            server.useCertificate(KeyCertificatePair.read(vertx, options.tlsCert(), options.tlsKey()))
                    .onFailure(e -> LOG.log(Level.WARNING, "certificate reload failed, keeping the old one: " + e));
        } catch (InvalidCertificateException e) {
            LOG.log(Level.WARNING, "certificate reload failed, keeping the old one: " + e.getMessage());
        }
    }

    public int port() {
        return server.port();
    }

    public AdmissionServer server() {
        return server;
    }

    public EngineHolder engines() {
        return engines;
    }

    public Readiness readiness() {
        return readiness;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public Routes routes() {
        return routes;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Stops watching files, lets in-flight reviews finish (for at most {@code grace}), then releases everything. */
    public Future<Void> stop(Duration grace) {
        pollers.forEach(FilePoller::close);
        return server.shutdown(grace).eventually(vertx::close);
    }
}
