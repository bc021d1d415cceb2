package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.PodStateCalculator;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the agent pays per pod for {@code status}: {@link PodStateCalculator#of} on a running injected pod (its
 * injection record checked, the fresh render compared, its {@code istio-init} compared with ours, its rules
 * verified) and on a pod of an unlabelled namespace, as at start-up for each listed pod and on each change; and a
 * state written and read as {@code GET /api/v1/status}'s JSON, per row of {@code status -A}. One calculator serves
 * every call, as in the agent. Run on demand (see bench/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PodStateBenchmark {
    static final NamespaceInfo ENABLED = new NamespaceInfo("shop", Map.of(NamespaceInfo.INJECTION_LABEL, "enabled"));
    static final NamespaceInfo UNLABELLED = new NamespaceInfo("shop", Map.of());
    /** The rules the default config's init container applied, as the kernel printed them back (a real run's). */
    private static final String TERMINATION_MESSAGE = "injector/src/test/resources/traffic/default-injected-nft.termination-log";

    private PodStateCalculator calculator;
    private ObjectNode injectedPod;
    private ObjectNode plainPod;
    private PodSidecarState state;
    private ObjectNode statusAnswer;

    @Setup
    public void setUp() {
        InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());
        calculator = new PodStateCalculator(engine, KubeVersion.of(1, 28));
        plainPod = runningPod();
        injectedPod = engine.inject(plainPod, new PodRequest(ENABLED, null, KubeVersion.of(1, 28))).pod();
        started(injectedPod, RepoFiles.read(TERMINATION_MESSAGE));
        state = injectedPodState();
        statusAnswer = PodStatesJson.write(List.of(state));
    }

    /** A running injected pod whose rules are verified (the most common pod of an enabled namespace). */
    @Benchmark
    public PodSidecarState injectedPodState() {
        return calculator.of(injectedPod, ENABLED);
    }

    /** A pod the policy skips: its namespace is not labelled. */
    @Benchmark
    public PodSidecarState skippedPodState() {
        return calculator.of(plainPod, UNLABELLED);
    }

    /** The injected pod's state as one entry of {@code GET /api/v1/status}. */
    @Benchmark
    public ObjectNode writeStateJson() {
        return PodStatesJson.write(state);
    }

    /** An answer of that one entry read back, as {@code status} does per row. */
    @Benchmark
    public List<PodSidecarState> readStateJson() {
        return PodStatesJson.read(statusAnswer);
    }

    /** {@link TypicalPod} as a Deployment's pod, without its traffic annotation (the message is of default rules). */
    private static ObjectNode runningPod() {
        ObjectNode pod = TypicalPod.tree();
        ObjectNode metadata = (ObjectNode) pod.get("metadata");
        metadata.put("name", "orders-7d4b9c-x2x").put("namespace", "shop").put("creationTimestamp", "2026-11-26T06:00:00Z");
        metadata.putArray("ownerReferences").addObject().put("kind", "ReplicaSet").put("name", "orders-7d4b9c")
                .put("controller", true);
        ((ObjectNode) metadata.get("labels")).put("pod-template-hash", "7d4b9c");
        ((ObjectNode) metadata.get("annotations")).remove("traffic.sidecar.istio.io/excludeOutboundPorts");
        return pod;
    }

    private static void started(ObjectNode pod, String terminationMessage) {
        ObjectNode status = pod.putObject("status");
        status.putArray("initContainerStatuses").addObject().put("name", "istio-init")
                .putObject("state").putObject("terminated").put("exitCode", 0).put("message", terminationMessage);
        status.putArray("containerStatuses").addObject().put("name", "istio-proxy").put("ready", true)
                .put("restartCount", 0).put("image", "docker.io/envoyproxy/envoy:v1.36.2");
    }
}
