package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.Agent;
import dev.kubectlsidecar.agent.AgentOptions;
import dev.kubectlsidecar.agent.config.EngineHolder;
import dev.kubectlsidecar.agent.http.KeyCertificatePair;
import dev.kubectlsidecar.agent.pods.PodStateTracker;
import dev.kubectlsidecar.agent.pods.StatusEndpoint;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.KubeVersion;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent in a cluster: the webhook server of {@link Agent}, fed by the cluster — its serving certificate from
 * the TLS Secret (created and rotated by whichever replica holds the Lease, or by cert-manager), its injection config from the
 * ConfigMap — and the server's version deciding native sidecars.
 */
public final class InClusterAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InClusterAgent.class.getName());
    /** Time for some replica to win the Lease and write the first certificate. */
    private static final Duration FIRST_CERTIFICATE = Duration.ofSeconds(120);

    private final KubernetesClient client;
    /** The client's own Vert.x when this agent made the client; null when it was given one. */
    private final Vertx clientVertx;
    private final ServingTls tls;
    private final AtomicReference<ServingBundle> latest = new AtomicReference<>();
    private volatile Agent agent;
    private ConfigMapWatcher config;
    private PodStateTracker pods;

    private InClusterAgent(KubernetesClient client, Vertx clientVertx, InClusterSettings settings, TlsMode mode) {
        this.client = client;
        this.clientVertx = clientVertx;
        this.tls = mode == TlsMode.CERT_MANAGER ? new CertManagerTls(client, settings, Clock.systemUTC(), this::onBundle)
                : new InClusterTls(client, settings, this::onBundle);
    }

    public static InClusterAgent start(AgentOptions options) throws Exception {
        // The client's own small Vert.x, apart from the one answering reviews (parsing a page of pods must not delay
        // an admission answer): one event loop is plenty for a few watches; fabric8's default (twice the cores, 20
        // workers) holds threads and buffers for nothing.
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(1));
        KubernetesClient client;
        try {
            client = client(options, clientVertx);
        } catch (IOException | RuntimeException e) {
            clientVertx.close();
            throw e;
        }
        return start(options, client, clientVertx, InClusterSettings.fromEnvironment().withNamespace(options.namespace()),
                TlsMode.fromEnvironment(System.getenv()));
    }

    /** With a given client and settings (tests run several replicas in one process). */
    public static InClusterAgent start(AgentOptions options, KubernetesClient client, InClusterSettings settings, TlsMode mode)
            throws Exception {
        return start(options, client, null, settings, mode);
    }

    private static InClusterAgent start(AgentOptions options, KubernetesClient client, Vertx clientVertx,
                                        InClusterSettings settings, TlsMode mode) throws Exception {
        InClusterAgent running = new InClusterAgent(client, clientVertx, settings, mode);
        try {
            running.run(options, settings);
            return running;
        } catch (Exception e) {
            running.close();
            throw e;
        }
    }

    public Agent agent() {
        return agent;
    }

    public KubernetesClient client() {
        return client;
    }

    private void run(AgentOptions options, InClusterSettings settings) throws Exception {
        tls.start();
        ServingBundle bundle = waitForFirst();
        AgentOptions settled = options.kubeVersion().isKnown() ? options
                : options.withKubeVersion(serverVersion());
        agent = Agent.start(settled, vertx -> certificate(vertx, bundle),
                        (vertx, metrics) -> new TokenReviewAuthorizer(client, vertx, metrics))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ServingBundle newest = latest.get();
        if (newest != null && newest != bundle) {
            onBundle(newest);
        }
        pods = new PodStateTracker(client, () -> agent.engines().engine(), settled.kubeVersion());
        StatusEndpoint.install(agent, pods);
        pods.start();
        String source = "ConfigMap " + settings.namespace() + "/" + InClusterSettings.CONFIG_MAP;
        config = new ConfigMapWatcher(client, settings.namespace(), InClusterSettings.CONFIG_MAP, InClusterSettings.CONFIG_KEY,
                text -> {
                    EngineHolder.Update update = text == null
                            ? agent.engines().use("the embedded default (no " + source + ")", ConfigLoader.embeddedDefault())
                            : agent.engines().apply(source, text);
                    // staleness and reasons depend on the config; the same config (the watch's first event, most
                    // often) or an invalid one leaves the states as they are
                    if (update == EngineHolder.Update.SERVED) {
                        pods.recomputeAll();
                    }
                });
        config.start();
    }

    private ServingBundle waitForFirst() throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_CERTIFICATE.toNanos();
        while (latest.get() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no usable serving certificate after " + FIRST_CERTIFICATE.toSeconds() + " s: "
                        + tls.whenMissing());
            }
            Thread.sleep(100);
        }
        return latest.get();
    }

    private void onBundle(ServingBundle bundle) {
        latest.set(bundle);
        Agent running = agent;
        if (running != null) {
            running.server().useCertificate(certificate(running.vertx(), bundle))
                    .onSuccess(done -> LOG.log(Level.INFO, "serving certificate reloaded (valid until " + bundle.notAfter() + ")"))
                    .onFailure(e -> LOG.log(Level.WARNING, "certificate reload failed, keeping the old one: " + e));
        }
    }

    private static KeyCertificatePair certificate(Vertx vertx, ServingBundle bundle) {
        return KeyCertificatePair.of(vertx, "the serving certificate's Secret",
                Buffer.buffer(bundle.certChainPem()), Buffer.buffer(bundle.keyPem()));
    }

    private KubeVersion serverVersion() {
        try {
            VersionInfo version = client.getKubernetesVersion();
            return KubeVersion.fromServer(version.getMajor(), version.getMinor());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the API server's version; native sidecars only where pods ask: " + e.getMessage());
            return KubeVersion.UNKNOWN;
        }
    }

    private static KubernetesClient client(AgentOptions options, Vertx vertx) throws IOException {
        KubernetesClientBuilder builder = new KubernetesClientBuilder()
                .withHttpClientFactory(new Vertx5HttpClientFactory(vertx));
        if (options.kubeconfig() == null) {
            return builder.build();
        }
        Config config = Config.fromKubeconfig(null, Files.readString(options.kubeconfig()), options.kubeconfig().toString());
        return builder.withConfig(config).build();
    }

    public void stop(Duration grace) {
        close(grace);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private void close(Duration grace) {
        if (config != null) {
            config.close();
        }
        if (pods != null) {
            pods.close();
        }
        tls.close();
        if (agent != null) {
            try {
                agent.stop(grace).toCompletionStage().toCompletableFuture().get(grace.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopped without finishing cleanly: " + e);
            }
        }
        client.close();
        if (clientVertx != null) {
            clientVertx.close();
        }
    }
}
