package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Istio's goldens as the oracle of the {@code istio} profile: {@code inject} of each input of the newest era gives
 * the golden's pod, field by field, but for the deliberate differences ({@link IstioGoldens#DELIBERATE}); the table
 * of differing paths goes to {@code target/istio-conformance.md} (CONFORMANCE.md holds a copy).
 */
class IstioGoldenConformanceTest {
    /**
     * The newest consistent era of SOURCES.md: the CRL volume, istio-proxy as a native sidecar with a drain preStop,
     * and resourceFieldRef divisors of "1" (the older "crl" goldens have "0" and no drain).
     */
    static final List<String> NEWEST_ERA = List.of("auth.yaml", "cronjob.yaml",
            "hello-existing-cncf-networks-json.yaml", "hello-multiport-metrics.yaml", "hello-otel-semconv.yaml",
            "hello-readiness.yaml", "native-sidecar-opt-out.yaml", "native-sidecar-uds.yaml",
            "proxy-resources-memory-null.yaml", "proxy-resources-mixed-null.yaml",
            "proxy-resources-null-no-init.yaml", "proxy-resources-null.yaml", "proxy-resources-zero.yaml",
            "ready_only.yaml", "startup_ready_live.yaml", "user-volume.yaml");

    /** Newest-era goldens left out of the comparison, and why. */
    static final Map<String, String> OUT_OF_SUBSET = Map.of(
            "cronjob.yaml", "input and golden are of different versions (batch/v2alpha1 vs batch/v1, SOURCES.md), "
                    + "and Istio's kube-inject leaves a CronJob's pod template without the labels and annotations "
                    + "its webhook adds",
            "hello-existing-cncf-networks-json.yaml", "needs istio-cni with Multus (components.cni.enabled): the "
                    + "profile always captures with istio-init; and the golden's input had a more_cni network this "
                    + "input lacks (SOURCES.md)");

    /** The proxy resources each golden's test set (values.global.proxy.resources), as the profile's config. */
    static final Map<String, String> RESOURCES = Map.of(
            "proxy-resources-memory-null.yaml", "{requests: {cpu: 50m}, limits: {cpu: 100m}}",
            "proxy-resources-mixed-null.yaml", "{requests: {cpu: 100m, ephemeral-storage: 1Gi}, limits: {memory: 500Mi}}",
            "proxy-resources-null-no-init.yaml", "{requests: {memory: 150Mi}, limits: {memory: 500Mi}}",
            "proxy-resources-null.yaml", "{requests: {memory: 150Mi}, limits: {memory: 500Mi}}",
            "proxy-resources-zero.yaml", "{requests: {cpu: \"0\", memory: 150Mi}, limits: {cpu: \"0\", memory: 500Mi}}");

    @BeforeAll
    static void corpus() {
        Assumptions.assumeTrue(IstioGoldens.present(), IstioGoldens.ABSENT);
    }

    @Test
    void newestEraGoldens() throws IOException {
        Map<String, IstioGoldens.Comparison> results = new TreeMap<>();
        for (String name : NEWEST_ERA) {
            if (OUT_OF_SUBSET.containsKey(name)) {
                continue;
            }
            InjectionEngine engine = new InjectionEngine(IstioGoldens.istioConfig(RESOURCES.get(name)));
            ManifestInjector injector = IstioGoldens.injector(engine.config());
            List<JsonNode> ours = IstioGoldens.pods(injector.inject(name, IstioGoldens.read(name)).documents());
            List<JsonNode> theirs = IstioGoldens.pods(IstioGoldens.trees(IstioGoldens.read(name + ".injected")));
            assertThat(ours).as(name + ": pods").hasSameSizeAs(theirs);
            List<String> deliberate = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            List<String> unexplained = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                IstioGoldens.Comparison c = IstioGoldens.compare(name, ours.get(i), theirs.get(i), engine);
                deliberate.addAll(c.deliberate());
                pending.addAll(c.pending());
                unexplained.addAll(c.unexplained());
            }
            results.put(name, new IstioGoldens.Comparison(name, deliberate, pending, unexplained));
        }
        StringBuilder table = new StringBuilder("| golden | equal | pending | unexplained differing paths |\n|---|---|---|---|\n");
        results.values().forEach(c -> table.append("| ").append(c.golden()).append(" | ")
                .append(c.equal() ? "yes" : "no").append(" | ")
                .append(String.join("<br>", c.pending())).append(" | ")
                .append(String.join("<br>", c.unexplained())).append(" |\n"));
        Path out = Path.of("target", "istio-conformance.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
        System.out.println(table);
    }
}
