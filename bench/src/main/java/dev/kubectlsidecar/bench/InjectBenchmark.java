package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestSource;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's cost per call, as the webhook and {@code kubectl sidecar inject} pay it once the JVM is warm.
 * {@link #yamlRoundTripBaseline} is the yardstick: the same manifest parsed and written again by Jackson YAML
 * alone, so the manifest benchmark reads as a ratio to "just reading and printing the YAML".
 * The engine never modifies its input, so one input tree serves every call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InjectBenchmark {
    static final String SHOP_MANIFEST = "examples/shop.yaml";

    private InjectionEngine engine;
    private ManifestInjector manifestInjector;
    private ObjectNode pod;
    private String shopYaml;

    @Setup
    public void setUp() {
        engine = new InjectionEngine(ConfigLoader.embeddedDefault());
        manifestInjector = new ManifestInjector(engine, PodRequest.offline("shop"));
        pod = TypicalPod.tree();
        shopYaml = RepoFiles.read(SHOP_MANIFEST);
        // A benchmark of the skip path would measure the wrong thing: fail loudly instead.
        if (!injectPod().injected()) {
            throw new IllegalStateException("the typical pod was not injected: " + injectPod().decision().summary());
        }
        if (!injectManifest().contains("istio-proxy")) {
            throw new IllegalStateException(SHOP_MANIFEST + " came out without a sidecar");
        }
    }

    /** (a) One typical pod through the engine. */
    @Benchmark
    public PodInjection injectPod() {
        return engine.inject(pod, PodRequest.offline("shop"));
    }

    /** (b) The webhook's work: inject, then the RFC 6902 patch from the original pod to the injected one. */
    @Benchmark
    public ArrayNode injectPodAndDiff() {
        PodInjection result = engine.inject(pod, PodRequest.offline("shop"));
        return JsonPatches.diff(pod, result.pod());
    }

    /**
     * (c) Offline {@code inject -f examples/shop.yaml} minus process start-up: read the file as written, inject,
     * write the injected parts into its text.
     */
    @Benchmark
    public String injectManifest() {
        ManifestSource source = ManifestSource.read(SHOP_MANIFEST, shopYaml);
        return source.write(manifestInjector.inject(SHOP_MANIFEST, source.documents()).documents());
    }

    /** (d) Baseline: the same manifest parsed and written back by Jackson YAML (same mapper), no injection. */
    @Benchmark
    public String yamlRoundTripBaseline() {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JsonMappers.YAML.readerFor(JsonNode.class).readValues(shopYaml)) {
            values.forEachRemaining(documents::add);
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode document : documents) {
            out.append(out.isEmpty() ? "" : "---\n").append(JsonMappers.YAML.writeValueAsString(document));
        }
        return out.toString();
    }
}
