package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import dev.kubectlsidecar.testkit.agent.ProcessAgentLauncher;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The scale run behind {@code bench/scale/run-scale.sh}: a local cluster with {@code --pods} pods in
 * {@code --namespaces} namespaces ({@link ClusterPlan}), the agent installed by the plugin and run as its Deployment
 * says (the jar as a process with the manifest's JVM flags, in-cluster against the local API server), then the
 * figures of the scale issue: time until ready, RSS, {@code /api/v1/status} for all pods, {@code kubectl sidecar
 * status -A}, and the agent following churn. Prints a markdown report and keeps it, with the logs, in {@code --out}.
 */
public final class ScaleMain {
    private static final String AGENT_NAMESPACE = "kubectl-sidecar";
    private static final String AGENT_SERVICE = "kubectl-sidecar-agent";
    private static final String PROXY_STATUS = "/api/v1/namespaces/" + AGENT_NAMESPACE + "/services/https:" + AGENT_SERVICE
            + ":443/proxy/api/v1/status";

    private ScaleMain() {
    }

    public static void main(String[] args) throws Exception {
        ScaleOptions options;
        try {
            options = ScaleOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("scale: " + e.getMessage());
            System.err.print(ScaleOptions.USAGE);
            System.exit(2);
            return;
        }
        Files.createDirectories(options.out());
        ScaleReport report = new ScaleReport(options);
        List<String> jvmOptions = new ArrayList<>(ProcessAgentLauncher.DEPLOYMENT_JVM_OPTIONS);
        jvmOptions.addAll(options.agentJvmOptions());
        LaunchedAgent.Recorder launcher = new LaunchedAgent.Recorder(new ProcessAgentLauncher(options.agentJar(),
                jvmOptions, ProcessAgentLauncher.DEFAULT_ARGUMENTS));
        Vertx vertx = Vertx.vertx();
        LocalCluster cluster = LocalCluster.builder().agentLauncher(launcher).agentReadyLimit(Duration.ofMinutes(10)).start();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                cluster.close(); // stops the agent process too
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(close, "scale-shutdown"));
        try {
            run(options, cluster, launcher, new HttpCalls(vertx), report);
            String markdown = report.markdown();
            Files.writeString(options.out().resolve("report.md"), markdown);
            System.out.println();
            System.out.print(markdown);
            if (options.hold()) {
                step("holding the cluster (KUBECONFIG=" + options.out().resolve("kubeconfig").toAbsolutePath()
                        + ", agent pid " + launcher.await(Duration.ZERO).agent().pid().orElse(-1) + ") until stopped");
                new CountDownLatch(1).await();
            }
        } finally {
            close.run();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void run(ScaleOptions options, LocalCluster cluster, LaunchedAgent.Recorder launcher, HttpCalls calls,
                            ScaleReport report) throws Exception {
        Path kubeconfig = cluster.writeKubeconfig(options.out().resolve("kubeconfig"));
        ApiClient api = new ApiClient(cluster.url());
        InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());
        ClusterPlan plan = ClusterPlan.of(options.pods(), options.namespaces(), Instant.now());

        step("starting one pod of each shape for its kubelet status");
        PodFactory pods = new PodFactory(engine, KubeletStatuses.collect(api, engine));
        step("creating " + plan.namespaces().size() + " namespaces and " + plan.pods().size() + " pods");
        long createStart = System.nanoTime();
        ApiClient.each(plan.namespaces(), 4, ns -> {
            api.createNamespace(ns.name(), ns.labels());
            return null;
        });
        AtomicInteger serial = new AtomicInteger();
        ApiClient.each(plan.pods(), 4, planned -> {
            api.createPod(planned.namespace().name(), pods.running(planned, serial.getAndIncrement()));
            return null;
        });
        report.created(Duration.ofNanos(System.nanoTime() - createStart));

        step("installing the agent: kubectl-sidecar install");
        Process install = plugin(options, kubeconfig, options.out().resolve("install.log"), "install", "--timeout", "10m");
        LaunchedAgent launched = launcher.await(Duration.ofMinutes(2));
        AgentProbe agent = new AgentProbe(launched.agent(), calls, AGENT_SERVICE + "." + AGENT_NAMESPACE + ".svc");
        long ready = agent.awaitReady(Duration.ofMinutes(10));
        report.ready(Duration.ofNanos(ready - launched.startNanos()), agent.cpuTime(), agent.rssMiB(),
                launched.agent().diagnostics());
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IllegalStateException("kubectl-sidecar install failed; see " + options.out().resolve("install.log"));
        }

        step("letting the agent settle for " + options.settle().toSeconds() + " s");
        Thread.sleep(options.settle().toMillis());
        report.rss("after " + options.settle().toSeconds() + " s settle", agent.rssMiB());
        report.states(statusBody(agent).path("pods"), storedPodCount(api));

        step("timing GET /api/v1/status for all pods, " + options.calls() + " calls each way");
        Timings direct = new Timings();
        long size = 0;
        for (int i = 0; i < options.calls(); i++) {
            long[] call = agent.curl("/api/v1/status");
            direct.add(call[0]);
            size = call[1];
        }
        Timings proxied = new Timings();
        for (int i = 0; i < options.calls(); i++) {
            long start = System.nanoTime();
            api.read(PROXY_STATUS, AgentProbe.READER);
            proxied.add(System.nanoTime() - start);
        }
        report.statusCalls(direct, proxied, size);
        report.rss("after " + 2 * options.calls() + " status calls", agent.rssMiB());

        step("timing kubectl sidecar status -A with hyperfine");
        Map<String, String> environment = Map.of("KUBECONFIG", kubeconfig.toString(),
                "PATH", options.pluginDir() + ":" + System.getenv("PATH"));
        report.cli(Hyperfine.run(List.of("kubectl sidecar status -A", "kubectl sidecar status -A -o json"),
                environment, 2, options.runs(), options.out().resolve("hyperfine.json")));
        report.rss("after the CLI runs", agent.rssMiB());

        step("churn: deleting and creating " + options.churn() + " pods while the agent watches");
        report.churn(Churn.run(api, agent, plan, options.churn()), storedPodCount(api));
        report.rss("after churn", agent.rssMiB());
        report.peakMemory(agent.peakRssMiB(), agent.heapMiB());
    }

    private static JsonNode statusBody(AgentProbe agent) throws CallFailure {
        HttpCalls.Reply reply = agent.get("/api/v1/status");
        if (reply.status() != 200) {
            throw new IllegalStateException("GET /api/v1/status answered " + reply.status());
        }
        return JsonMappers.JSON.readTree(reply.body());
    }

    /** How many pods the API server holds. */
    private static int storedPodCount(ApiClient api) {
        return api.get("/api/v1/pods").path("items").size();
    }

    private static Process plugin(ScaleOptions options, Path kubeconfig, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(options.pluginDir().resolve("kubectl-sidecar").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        return builder.start();
    }

    private static void step(String what) {
        System.err.println("scale: " + what);
    }
}
