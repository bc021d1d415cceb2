package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** The mesh settings each golden's test set (its {@code mesh} function), as the profile's config. */
    static final Map<String, String> MESH = Map.of(
            // an OpenTelemetry tracing provider with serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS
            "hello-otel-semconv.yaml", "serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS");

    /** Goldens of the subset that still differ beyond the deliberate and pending differences, and why. */
    static final Map<String, String> KNOWN_GAPS = Map.of();

    /** Deliberate differences that only one golden shows, because only its input asks for them. */
    static final Map<String, IstioGoldens.Difference> GOLDEN_DELIBERATE = Map.of(
            "user-volume.yaml", new IstioGoldens.Difference(
                    "spec\\.(volumes|initContainers\\[istio-proxy\\]\\.volumeMounts)\\[user-volume-\\d\\]"
                            + "|metadata\\.annotations\\.sidecar\\.istio\\.io/status\\.volumes",
                    "sidecar.istio.io/userVolume and userVolumeMount are not honoured: an annotation never adds a "
                            + "volume or mount to the sidecar (README, Security notes)"),
            "native-sidecar-uds.yaml", new IstioGoldens.Difference(
                    "spec\\.initContainers\\[istio-proxy\\]\\.(env\\[(ISTIO_ENVOY_ADMIN_TRANSPORT|ISTIO_NATIVE_SIDECAR|GOMAXPROCS)\\]"
                            + "|lifecycle\\.preStop\\.exec\\.command\\[[2-4]\\])",
                    "its golden's template is not Istio's: sidecar.istio.io/adminTransport, ISTIO_NATIVE_SIDECAR and "
                            + "the drain_listeners preStop are in none of istio/istio's branches (the Unix-socket admin "
                            + "API is a proposal, istio#61864), and it lacks the era's GOMAXPROCS (CONFORMANCE.md)"));

    /** The Istio corpus's probe cases: the app containers' probes and ISTIO_KUBE_APP_PROBERS equal the golden's. */
    static final List<String> PROBE_CASES = List.of("hello-probes.yaml",
            "hello-probes-noProxyHoldApplication-ProxyConfig.yaml",
            "hello-probes-proxyHoldApplication-ProxyConfig-timeout.yaml",
            "hello-probes-proxyHoldApplication-ProxyConfig.yaml", "hello-probes-with-flag-set-in-annotation.yaml",
            "hello-probes-with-flag-unset-in-annotation.yaml", "https-probes.yaml", "tcp-probes.yaml",
            "merge-probers.yaml", "hello-startup-probe.yaml", "hello-readiness.yaml", "named_port.yaml",
            "ready_live.yaml", "ready_only.yaml", "startup_live.yaml", "startup_only.yaml",
            "startup_ready_live.yaml", "two_container.yaml");

    /** Probe differences of older eras' goldens: Istio's rewrite has grown since. */
    static final Map<String, List<String>> PROBE_ERA_DIFFERENCES = Map.of(
            // A legacy golden: Istio rewrote startup probes from 1.12 on (startup_ready_live's golden does).
            "hello-startup-probe.yaml", List.of("spec.containers[hello].startupProbe.httpGet.path",
                    "spec.containers[hello].startupProbe.httpGet.port", "ISTIO_KUBE_APP_PROBERS"),
            // An older golden that rewrites the probes but carries no ISTIO_KUBE_APP_PROBERS (pilot-agent could not
            // serve them); every newer golden with rewritten probes carries it.
            "startup_live.yaml", List.of("ISTIO_KUBE_APP_PROBERS"));

    @BeforeAll
    static void corpus() {
        Conformance.dir(IstioGoldens.CORPUS);
    }

    @Test
    void newestEraGoldens() throws IOException {
        Map<String, IstioGoldens.Comparison> results = new TreeMap<>();
        for (String name : NEWEST_ERA) {
            if (OUT_OF_SUBSET.containsKey(name)) {
                continue;
            }
            InjectionEngine engine = new InjectionEngine(IstioGoldens.istioConfig(RESOURCES.get(name), MESH.get(name)));
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
        Map<String, List<String>> ownDeliberate = new TreeMap<>();
        for (IstioGoldens.Comparison c : results.values()) {
            IstioGoldens.Difference own = GOLDEN_DELIBERATE.get(c.golden());
            List<String> unexplained = new ArrayList<>();
            List<String> deliberate = new ArrayList<>(c.deliberate());
            for (String path : c.unexplained()) {
                (own != null && own.paths().matcher(path).matches() ? ownDeliberate.computeIfAbsent(c.golden(),
                        g -> new ArrayList<>()) : unexplained).add(path);
            }
            deliberate.addAll(ownDeliberate.getOrDefault(c.golden(), List.of()));
            results.put(c.golden(), new IstioGoldens.Comparison(c.golden(), deliberate, c.pending(), unexplained));
        }
        // Every differing path is printed: the unexplained ones, and those only this golden's input asks for.
        StringBuilder table = new StringBuilder("| golden | equal | pending | unexplained differing paths "
                + "| its own deliberate differences |\n|---|---|---|---|---|\n");
        results.values().forEach(c -> table.append("| ").append(c.golden()).append(" | ")
                .append(c.equal() ? "yes" : "no").append(" | ")
                .append(String.join("<br>", c.pending())).append(" | ")
                .append(String.join("<br>", c.unexplained())).append(" | ")
                .append(String.join("<br>", ownDeliberate.getOrDefault(c.golden(), List.of()))).append(" |\n"));
        long equal = results.values().stream().filter(IstioGoldens.Comparison::equal).count();
        long equalButPending = results.values().stream().filter(c -> c.unexplained().isEmpty()).count();
        table.append("\n").append(equal).append(" of ").append(results.size())
                .append(" newest-era goldens equal modulo the deliberate differences; ").append(equalButPending)
                .append(" of ").append(results.size()).append(" once the pending ones close.\n\n")
                .append(outsideTheSubset());
        Path out = Path.of("target", "istio-conformance.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
        System.out.println(table);
        results.values().forEach(c -> {
            if (KNOWN_GAPS.containsKey(c.golden())) {
                assertThat(c.unexplained()).as(c.golden() + " is a known gap (" + KNOWN_GAPS.get(c.golden())
                        + "): once it is closed, take it off the list").isNotEmpty();
            } else {
                assertThat(c.unexplained()).as(c.golden() + ": paths differing from Istio's golden").isEmpty();
            }
        });
        assertThat(results.keySet()).as("every newest-era golden is compared or listed as out with a reason")
                .hasSize(NEWEST_ERA.size() - OUT_OF_SUBSET.size());
    }

    /** Every other golden of the corpus, with why it is not in the comparison. */
    private static String outsideTheSubset() {
        StringBuilder out = new StringBuilder("| golden | era | why it is outside the subset |\n|---|---|---|\n");
        IstioGoldens.eras().forEach((name, era) -> {
            String why;
            if (OUT_OF_SUBSET.containsKey(name)) {
                why = OUT_OF_SUBSET.get(name);
            } else if (NEWEST_ERA.contains(name)) {
                return;
            } else if (!Files.exists(IstioGoldens.file(name + ".injected"))) {
                why = "no golden in the corpus (SOURCES.md, Not copied)";
            } else if (era.contains("no-sidecar")) {
                why = "Istio injects no sidecar here; which workloads are injected is IstioInjectConformanceTest's";
            } else if (era.contains("legacy")) {
                why = "pre-2022 template (DNS_AGENT, --serviceCluster, app containers as a list)";
            } else if (era.contains("wl-sock")) {
                why = "older template: no credential-socket and no CRL volume";
            } else if (era.contains("cred-sock")) {
                why = "older template: no CRL volume";
            } else {
                why = "older CRL template: resourceFieldRef divisor \"0\", no drain preStop on a native proxy";
            }
            if (PROBE_CASES.contains(name)) {
                why += "; its probes are compared (probe cases)";
            }
            out.append("| ").append(name).append(" | ").append(era.isEmpty() ? "-" : era).append(" | ").append(why)
                    .append(" |\n");
        });
        return out.toString();
    }

    @Test
    void probeCasesMatchTheirGoldens() {
        InjectionEngine engine = new InjectionEngine(IstioGoldens.istioConfig());
        ManifestInjector injector = IstioGoldens.injector(engine.config());
        for (String name : PROBE_CASES) {
            List<Document> input = IstioGoldens.read(name);
            if (IstioGoldens.pods(IstioGoldens.trees(input)).stream().anyMatch(Workloads::hasProxy)) {
                // merge-probers: istiod injected it already; uninject gives the original probes back first
                input = asDocuments(injector.uninject(name, input).documents());
            }
            List<JsonNode> ours = IstioGoldens.pods(injector.inject(name, input).documents());
            List<JsonNode> theirs = IstioGoldens.pods(IstioGoldens.trees(IstioGoldens.read(name + ".injected")));
            assertThat(ours).as(name + ": pods").hasSameSizeAs(theirs);
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                differences.addAll(probeDifferences(ours.get(i), theirs.get(i)));
            }
            assertThat(differences).as(name + ": app probes and ISTIO_KUBE_APP_PROBERS against Istio's golden")
                    .isEqualTo(PROBE_ERA_DIFFERENCES.getOrDefault(name, List.of()));
        }
    }

    /** Where uninject of istiod's pod cannot give the author's manifest back: Istio's record does not say. */
    static final Map<String, String> UNINJECT_DIFFERENCES = Map.of(
            "\\.(readinessProbe|livenessProbe|startupProbe|lifecycle\\.preStop|lifecycle\\.postStart)"
                    + "\\.(httpGet|tcpSocket)\\.port",
            "a probe that named its port comes back with the number: ISTIO_KUBE_APP_PROBERS holds it resolved "
                    + "(our own injections record the name and give it back)",
            "metadata\\.annotations\\.(sidecar\\.istio\\.io/interceptionMode|traffic\\.sidecar\\.istio\\.io/.*)",
            "legacy goldens (hello-startup-probe) also wrote the capture settings as pod annotations; a pod's own "
                    + "annotations of those names cannot be told from them, so they stay");

    @Test
    void uninjectOfIstiodsPodGivesTheInputBack() {
        ManifestInjector injector = IstioGoldens.injector(IstioGoldens.istioConfig());
        java.util.Set<String> names = new java.util.TreeSet<>(NEWEST_ERA);
        names.addAll(PROBE_CASES);
        names.removeAll(OUT_OF_SUBSET.keySet());
        // Its golden rewrote the probes but kept no originals: uninject refuses rather than leave dead probes.
        names.remove("startup_live.yaml");
        assertThatThrownBy(() -> injector.uninject("startup_live.yaml", IstioGoldens.read("startup_live.yaml.injected")))
                .hasMessageContaining("spec.containers[0].livenessProbe")
                .hasMessageContaining("ISTIO_KUBE_APP_PROBERS");
        for (String name : names) {
            List<JsonNode> input = IstioGoldens.pods(
                    injector.uninject(name, IstioGoldens.read(name)).documents());
            List<JsonNode> back = IstioGoldens.pods(
                    injector.uninject(name, IstioGoldens.read(name + ".injected")).documents());
            assertThat(back).as(name).hasSameSizeAs(input);
            for (int i = 0; i < back.size(); i++) {
                List<String> unexplained = PodDiff.paths(back.get(i), input.get(i)).stream()
                        .filter(path -> UNINJECT_DIFFERENCES.keySet().stream()
                                .noneMatch(regex -> java.util.regex.Pattern.compile(regex).matcher(path).find()))
                        .toList();
                assertThat(unexplained).as(name + ": uninject(golden) against the input").isEmpty();
            }
        }
    }

    static java.util.stream.Stream<Path> inputs() {
        return Conformance.injectInputs().stream();
    }

    /** Over the whole corpus, with the istio profile: injecting twice changes nothing, uninject gives the input back. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("inputs")
    void theIstioProfileIsIdempotentAndReversible(Path input) {
        String name = input.getFileName().toString();
        org.junit.jupiter.api.Assumptions.assumeFalse(IstioInjectConformanceTest.REJECTED.containsKey(name)
                || Conformance.REFUSED_HERE.containsKey(name), "refused input");
        ManifestInjector injector = IstioGoldens.injector(IstioGoldens.istioConfig());
        List<Document> documents = IstioGoldens.read(name);
        List<JsonNode> once = injector.inject(name, documents).documents();
        assertThat(injector.inject(name, asDocuments(once)).documents()).as("inject(inject(x)) == inject(x)")
                .isEqualTo(once);
        assertThat(injector.uninject(name, asDocuments(once)).documents()).as("uninject(inject(x)) == uninject(x)")
                .isEqualTo(injector.uninject(name, documents).documents());
    }

    private static List<String> probeDifferences(JsonNode ours, JsonNode theirs) {
        List<String> out = new ArrayList<>();
        for (String path : PodDiff.paths(ours, theirs)) {
            if (path.matches("spec\\.(initContainers|containers)\\[(?!istio-)[^]]+\\]\\."
                    + "(readinessProbe|livenessProbe|startupProbe|lifecycle)(\\..*)?")) {
                out.add(path);
            }
        }
        if (!java.util.Objects.equals(probers(ours), probers(theirs))) {
            out.add("ISTIO_KUBE_APP_PROBERS");
        }
        return out;
    }

    static String probers(JsonNode pod) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : pod.path("spec").path(list)) {
                if ("istio-proxy".equals(container.path("name").asString(null))) {
                    for (JsonNode env : container.path("env")) {
                        if ("ISTIO_KUBE_APP_PROBERS".equals(env.path("name").asString(null))) {
                            return env.path("value").asString();
                        }
                    }
                }
            }
        }
        return null;
    }

    static List<Document> asDocuments(List<JsonNode> trees) {
        return IstioInjectConformanceTest.asDocuments(trees);
    }
}
