package dev.kubectlsidecar.testkit;

import dev.kubectlsidecar.testkit.admission.PodAdmission;
import dev.kubectlsidecar.testkit.admission.WebhookClient;
import dev.kubectlsidecar.testkit.agent.AgentLauncher;
import dev.kubectlsidecar.testkit.agent.AgentRunner;
import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import dev.kubectlsidecar.testkit.api.AccessReviews;
import dev.kubectlsidecar.testkit.api.ApiDispatcher;
import dev.kubectlsidecar.testkit.api.ApiServer;
import dev.kubectlsidecar.testkit.api.Await;
import dev.kubectlsidecar.testkit.api.DryRunRequests;
import dev.kubectlsidecar.testkit.api.Kubeconfig;
import dev.kubectlsidecar.testkit.api.Latency;
import dev.kubectlsidecar.testkit.api.NamespaceLifecycle;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.workloads.WorkloadControllers;
import dev.kubectlsidecar.testkit.api.PatchRequests;
import dev.kubectlsidecar.testkit.api.ServerVersion;
import dev.kubectlsidecar.testkit.kubelet.FakeKubelet;
import dev.kubectlsidecar.testkit.kubelet.IptablesBackend;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import dev.kubectlsidecar.testkit.net.ServiceProxy;
import dev.kubectlsidecar.testkit.net.ServiceRoutes;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Kubernetes API server on 127.0.0.1 for tests and for trying the plugin by hand (docs/architecture.md §6): fabric8's mock
 * API server in CRUD mode (its {@code KubernetesCrudDispatcher} keeps the objects) behind a front end that adds
 * what a real cluster does and the mock does not:
 * <ul>
 * <li>discovery for kubectl and fabric8 ({@code /version} reports {@link Builder#serverVersion});</li>
 * <li>mutating admission for pod CREATE through the stored MutatingWebhookConfigurations, over HTTPS trusting only
 * each webhook's caBundle, dry run included ({@link PodAdmission});</li>
 * <li>namespaces as the API server keeps them, dry run for every verb, RFC 7386 merge patches, sorted lists and
 * watches over plain HTTP;</li>
 * <li>a kubelet for one node that starts every pod and runs {@code istio-init} for real ({@link FakeKubelet}), with
 * the node's iptables backend;</li>
 * <li>the agent's Deployment run by an {@link AgentLauncher} (killed and restarted on demand, {@link #agents}), and
 * the service proxy to it;</li>
 * <li>a slow API server on demand ({@link #latency});</li>
 * <li>Services routed to this machine ({@link #routeService}).</li>
 * </ul>
 * <pre>
 * try (LocalCluster cluster = LocalCluster.start()) {
 *     Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));   // for kubectl, the plugin
 *     cluster.client().pods().inNamespace("default").list();                   // for the test itself
 * }
 * </pre>
 */
public final class LocalCluster implements AutoCloseable {
    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final ObjectStore store;
    private final ServiceRoutes routes;
    private final AccessReviews accessReviews;
    private final ApiServer server;
    private final String url;
    private final KubernetesClient client;
    private final FakeKubelet kubelet;
    private final AgentRunner agents;
    private final WorkloadControllers workloads;

    private LocalCluster(Builder builder) {
        ServerVersion version = ServerVersion.parse(builder.serverVersion);
        this.vertx = Vertx.vertx();
        this.workers = vertx.createSharedWorkerExecutor("local-cluster-api", 64, 10, TimeUnit.MINUTES);
        this.store = new ObjectStore();
        this.routes = new ServiceRoutes();
        HttpCalls calls = new HttpCalls(vertx);
        this.accessReviews = new AccessReviews();
        NamespaceLifecycle namespaces = new NamespaceLifecycle(store);
        namespaces.createInitial();
        this.server = new ApiServer(vertx, new ApiDispatcher(version, store, List.of(
                namespaces,
                new PodAdmission(store, new WebhookClient(calls, routes)),
                new ServiceProxy(store, routes, calls),
                accessReviews,
                new DryRunRequests(store),
                new PatchRequests(store)), builder.certManagerCrds), workers, store);
        this.url = "http://127.0.0.1:" + server.start();
        this.kubelet = new FakeKubelet(store, builder.runInitContainers, builder.iptablesBackend);
        this.client = new KubernetesClientBuilder()
                .withHttpClientFactory(new JdkHttpClientFactory())
                .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace("default")
                        // fabric8 retries a 5xx ten times with backoff; a test asserting a rejection wants one try
                        .withRequestRetryBackoffLimit(0).build())
                .build();
        this.workloads = builder.workloadControllers ? new WorkloadControllers(store, client, builder.agentName) : null;
        this.agents = builder.agentLauncher == null ? null
                : new AgentRunner(url, store, routes, calls, builder.agentLauncher, builder.agentName,
                        builder.agentReadyLimit);
    }

    private LocalCluster started() {
        if (workloads != null) {
            workloads.start();
        }
        if (agents != null) {
            agents.start();
        }
        return this;
    }

    public static LocalCluster start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cluster's users, for TokenReview and SubjectAccessReview (tests add users with less than admin). */
    public AccessReviews accessReviews() {
        return accessReviews;
    }

    /** A fabric8 client of this cluster (namespace {@code default}); closed with the cluster. */
    public KubernetesClient client() {
        return client;
    }

    /** The API server's URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    /** Writes a kubeconfig whose current context is this cluster (namespace {@code default}); returns {@code file}. */
    public Path writeKubeconfig(Path file) {
        return Kubeconfig.write(file, url);
    }

    /** The delays the API server adds to requests, for tests of a slow API server; none by default. */
    public Latency latency() {
        return server.latency();
    }

    /**
     * What runs the agent's Deployment, to kill and restart the agent as a node would.
     *
     * @throws IllegalStateException when the cluster was started without an {@link Builder#agentLauncher}
     */
    public AgentRunner agents() {
        if (agents == null) {
            throw new IllegalStateException("this local cluster runs no agent (LocalCluster.Builder.agentLauncher)");
        }
        return agents;
    }

    /** The fake kubelet that starts every pod (and runs {@code istio-init}). */
    public FakeKubelet kubelet() {
        return kubelet;
    }

    /**
     * Routes the Service {@code NAME.NAMESPACE.svc} to {@code host:port} on this machine, for webhook calls
     * ({@code clientConfig.service}) and the service proxy. Replaces an earlier route.
     */
    public void routeService(String namespace, String name, String host, int port) {
        routes.route(namespace, name, host, port);
    }

    @Override
    public void close() {
        if (agents != null) {
            agents.close();
        }
        if (workloads != null) {
            workloads.close();
        }
        client.close();
        kubelet.close();
        server.close();
        Await.result(workers.close(), "stop the API workers");
        Await.result(vertx.close(), "stop Vert.x");
    }

    /** Options of a {@link LocalCluster}. */
    public static final class Builder {
        private String serverVersion = "v1.31.0";
        private boolean runInitContainers = true;
        private IptablesBackend iptablesBackend = IptablesBackend.MACHINE;
        private AgentLauncher agentLauncher;
        private String agentName = "kubectl-sidecar-agent";
        private Duration agentReadyLimit = AgentRunner.READY_LIMIT;
        private boolean workloadControllers;
        private boolean certManagerCrds;

        private Builder() {
        }

        /**
         * Registers cert-manager's CRDs: discovery announces cert-manager.io/v1 (Certificate, CertificateRequest,
         * Issuer, ClusterIssuer) and the store keeps them like any object. Nothing issues certificates: a test
         * stands in for cert-manager. Off by default, as in a cluster without cert-manager.
         */
        public Builder certManagerCrds(boolean registered) {
            this.certManagerCrds = registered;
            return this;
        }

        /** The {@code gitVersion} {@code /version} reports, e.g. {@code v1.28.3}; default {@code v1.31.0}. */
        public Builder serverVersion(String gitVersion) {
            ServerVersion.parse(gitVersion);
            this.serverVersion = gitVersion;
            return this;
        }

        /**
         * Whether the fake kubelet runs each pod's {@code istio-init} command (as root, in a private network
         * namespace, when this machine allows it); default true.
         */
        public Builder runInitContainers(boolean run) {
            this.runInitContainers = run;
            return this;
        }

        /** The iptables the node's init containers use; default {@link IptablesBackend#MACHINE}. */
        public Builder iptablesBackend(IptablesBackend backend) {
            this.iptablesBackend = backend;
            return this;
        }

        /**
         * Runs the agent's Deployment with {@code launcher} (e.g. a {@link ProcessAgentLauncher}); without one, the
         * Deployment is stored and nothing runs.
         */
        public Builder agentLauncher(AgentLauncher launcher) {
            this.agentLauncher = launcher;
            return this;
        }

        /** The name of the agent's Deployment and Service; default {@code kubectl-sidecar-agent}. */
        public Builder agentName(String name) {
            if (name == null || !name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException("agent name: \"" + name + "\" is not a DNS-1123 label");
            }
            this.agentName = name;
            return this;
        }

        /**
         * How long the agent has to become ready (its first list of pods takes a while in a big cluster) before its
         * Deployment is marked unavailable; default 60 s.
         */
        public Builder agentReadyLimit(Duration limit) {
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("agent ready limit: " + limit + " is not positive");
            }
            this.agentReadyLimit = limit;
            return this;
        }

        /**
         * Runs controllers for Deployments, StatefulSets and DaemonSets ({@link WorkloadControllers}): their pods are
         * created through admission and replaced when the template changes. Off by default: other tests create
         * workloads as plain objects.
         */
        public Builder workloadControllers(boolean run) {
            this.workloadControllers = run;
            return this;
        }

        public LocalCluster start() {
            return new LocalCluster(this).started();
        }
    }
}
