package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import dev.kubectlsidecar.injector.render.PodAnnotations;
import dev.kubectlsidecar.injector.render.ProxyOptions;
import dev.kubectlsidecar.injector.render.SidecarParts;
import dev.kubectlsidecar.injector.render.SidecarRenderer;
import dev.kubectlsidecar.injector.render.SidecarTemplate;
import dev.kubectlsidecar.injector.traffic.InitScript;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where {@link InjectBenchmark#injectPod}'s time goes: the stages of {@code InjectionEngine.inject} on the same
 * typical pod, each called through the engine's public API with the inputs the engine would pass it. Not a
 * second injection path: it exists to find the stage worth optimising. Run on demand (see bench/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineStagesBenchmark {
    private ObjectNode pod;
    private ObjectNode injectedPod;
    private Map<String, String> annotations;
    private InjectionConfig config;
    private ProxyOptions options;
    private SidecarParts parts;

    @Setup
    public void setUp() {
        config = ConfigLoader.embeddedDefault();
        pod = TypicalPod.tree();
        injectedPod = new InjectionEngine(config).inject(pod, PodRequest.offline("shop")).pod();
        annotations = new LinkedHashMap<>();
        pod.path("metadata").path("annotations").properties()
                .forEach(e -> annotations.put(e.getKey(), e.getValue().asString()));
        options = PodAnnotations.resolve(annotations, config);
        parts = renderSidecarParts();
    }

    /** The copy every call starts with ({@code uninject} of a pod that carries no injection record). */
    @Benchmark
    public ObjectNode copyPod() {
        return SidecarRenderer.uninject(pod);
    }

    /** Profile and {@code sidecar.istio.io/*} annotations resolved into the proxy's options. */
    @Benchmark
    public ProxyOptions resolveOptions() {
        return PodAnnotations.resolve(annotations, config);
    }

    /** The init and proxy containers and volumes, built from the options (the default profile: envoy). */
    @Benchmark
    public SidecarParts renderSidecarParts() {
        List<String> initCommand = InitScript.command(TrafficSettings.resolve(options.profile().traffic(), annotations));
        return SidecarTemplate.render(options, initCommand, false);
    }

    /** The digest of the rendered parts (computed once per render; the engine caches renders). */
    @Benchmark
    public String templateHash() {
        return SidecarParts.of(parts.initContainer(), parts.proxyContainer(), parts.volumes(), parts.nativeSidecar(),
                parts.proxyFirst())
                .templateHash();
    }

    /** Already rendered parts put into a copy of the pod, with the template hash and the injection record. */
    @Benchmark
    public ObjectNode addSidecarToPod() {
        return SidecarRenderer.injectInto(pod.deepCopy(), parts, options.profile().name(), false, new ArrayList<>());
    }

    /** The webhook's RFC 6902 patch from the original to the injected pod. */
    @Benchmark
    public ArrayNode diff() {
        return JsonPatches.diff(pod, injectedPod);
    }
}
