package dev.kubectlsidecar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.manifest.ResourceReport;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The generated manifest is the mix it claims, every workload of it is injected, and the patches add what inject adds. */
class BigManifestTest {
    private final InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());

    @Test
    void aThousandDocumentsHalfOfThemInjectedWorkloads() {
        List<Document> documents = ManifestReader.read("big.yaml", BigManifest.manifest(1000));
        assertThat(documents).hasSize(1000);
        Map<String, Long> kinds = documents.stream()
                .collect(Collectors.groupingBy(d -> d.tree().path("kind").asString(), Collectors.counting()));
        assertThat(kinds).containsExactlyInAnyOrderEntriesOf(Map.of("Deployment", 200L, "StatefulSet", 100L, "Job", 50L,
                "DaemonSet", 50L, "CronJob", 100L, "Service", 300L, "ConfigMap", 100L, "ServiceAccount", 100L));

        ManifestInjector.Result result = new ManifestInjector(engine, PodRequest.offline("default")).inject("big.yaml", documents);
        assertThat(result.reports()).filteredOn(r -> r.outcome() == ResourceReport.Outcome.INJECTED).hasSize(500);
        assertThat(result.reports()).filteredOn(r -> r.outcome() == ResourceReport.Outcome.SKIPPED).isEmpty();
    }

    @Test
    void thePatchesAddTheSidecarTheEngineAdds() {
        JsonNode injected = engine.inject((ObjectNode) ManifestReader.read("one", BigManifest.manifest(1)).get(0).tree()
                .at("/spec/template"), PodRequest.offline("default")).pod();
        for (boolean cronJob : new boolean[] {false, true}) {
            JsonNode template = BigManifest.patch(cronJob).at(cronJob ? "/spec/jobTemplate/spec/template" : "/spec/template");
            assertThat(template.at("/spec/initContainers/0")).isEqualTo(byName(injected.at("/spec/initContainers")).get("istio-init"));
            assertThat(template.at("/spec/containers/0")).isEqualTo(byName(injected.at("/spec/containers")).get("istio-proxy"));
            assertThat(template.at("/spec/volumes")).containsExactly(byName(injected.at("/spec/volumes")).get("istio-envoy"));
            assertThat(template.at("/metadata/annotations").propertyNames())
                    .contains("sidecar.istio.io/status", "kubectl-sidecar/template-hash");
        }
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false)
                .collect(Collectors.toMap(c -> c.path("name").asString(), Function.identity()));
    }
}
