package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.traffic.IstioFlags;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test helper for Istio's injection goldens: the corpus's eras (from SOURCES.md), the {@code istio} profile as
 * the golden's injector ran, and the comparison of our pod with the golden's, each differing path classified as a
 * deliberate difference (with its reason), a pending one, or unexplained.
 */
public final class IstioGoldens {
    static final String CORPUS = "istio-inject";

    /** One class of paths where we differ from Istio on purpose, or not yet. */
    record Difference(Pattern paths, String reason) {
        Difference(String regex, String reason) {
            this(Pattern.compile(regex), reason);
        }
    }

    private static final String PROXY = "spec\\.(initContainers|containers)\\[istio-proxy\\]";
    private static final String INIT = "spec\\.initContainers\\[istio-init\\]";

    /** Where we differ on purpose. README ("The istio profile") and CONFORMANCE.md carry the same list. */
    static final List<Difference> DELIBERATE = List.of(
            new Difference(PROXY + "\\.image", "the proxy image is pinned in the config (Istio's test renders "
                    + "gcr.io/istio-testing/proxyv2:latest)"),
            new Difference("(" + PROXY + "|" + INIT + ")\\.imagePullPolicy", "the config states the pull policy "
                    + "(IfNotPresent) instead of leaving it to the API server's default"),
            new Difference(INIT + "\\..*", "istio-init is our own init container: Istio's iptables rules from a "
                    + "shell script in the distroless-iptables image, read-only, with its own small resources; the "
                    + "rules it applies equal those of the golden's istio-iptables arguments (checked separately)"),
            new Difference("metadata\\.annotations\\.kubectl-sidecar/template-hash", "our digest of what was "
                    + "injected, for staleness"),
            new Difference("metadata\\.annotations\\.cluster-autoscaler\\.kubernetes\\.io/safe-to-evict-local-volumes",
                    "names the sidecar's emptyDir volumes so the cluster autoscaler can still drain the node (issue 15; "
                            + "Istio leaves it to the pod author, istio#19395)"),
            new Difference(PROXY + "\\.args\\[(7|8)\\]", "--concurrency from the proxy's CPU limit, at most 2, right "
                    + "after the log flags where Istio's template puts it (Istio passes it only when the mesh config sets it)"),
            new Difference("metadata\\.annotations\\.sidecar\\.istio\\.io/status",
                    "our record carries a kubectl-sidecar member for exact uninject (Istio's members are compared "
                            + "separately and must be equal)"));

    /** Differences that another issue closes; the golden does not count as equal until it does. */
    static final List<Difference> PENDING = List.of();

    record Comparison(String golden, List<String> deliberate, List<String> pending, List<String> unexplained) {
        boolean equal() {
            return pending.isEmpty() && unexplained.isEmpty();
        }
    }

    private IstioGoldens() {
    }

    /** A file of the corpus; the test is skipped, with one line saying why, when the corpus is not beside the clone. */
    static Path file(String name) {
        return Conformance.dir(CORPUS).resolve(name);
    }

    /** Golden era of each input, from the table in SOURCES.md. */
    static Map<String, String> eras() {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| (\\S+\\.yaml) \\|[^|]*\\|[^|]*\\| ([^|]*) \\|", Pattern.MULTILINE);
        Matcher m = row.matcher(Conformance.read(file("SOURCES.md")));
        while (m.find()) {
            out.put(m.group(1), m.group(2).strip());
        }
        return out;
    }

    /** The embedded default config with the istio profile as the default, as istiod injects every pod. */
    public static InjectionConfig istioConfig() {
        return istioConfig(null, null);
    }

    /**
     * The same with the golden's proxy resources ({@code values.global.proxy.resources} of its test) and mesh
     * settings (what its test set in the mesh config).
     *
     * @param resources the istio profile's {@code resources} block as YAML flow mappings; null keeps the default
     * @param mesh a field of the profile's {@code mesh} ({@code key: value}) replacing the default's; null for none
     */
    static InjectionConfig istioConfig(String resources, String mesh) {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("defaultProfile: envoy", "defaultProfile: istio")
                    // Istio's default mesh config, as the goldens' injector ran: the proxy does not hold the app
                    .replace("holdApplicationUntilProxyStarts: true", "holdApplicationUntilProxyStarts: false");
            if (resources != null) {
                int istio = yaml.indexOf("\n  istio:\n");
                String profile = yaml.substring(istio).replaceFirst(
                        "(?m)^    resources:\n      requests: .*\n      limits: .*\n", "    resources: " + resources + "\n");
                yaml = yaml.substring(0, istio) + profile;
            }
            if (mesh != null) {
                yaml = yaml.replaceFirst("(?m)^      " + mesh.substring(0, mesh.indexOf(':')) + ": .*$", "      " + mesh);
            }
            return ConfigLoader.parse("istio test config", yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offline, in namespace default, with native sidecars (as the newest era's goldens; pods opt out). */
    static ManifestInjector injector(InjectionConfig config) {
        return new ManifestInjector(new InjectionEngine(config),
                new PodRequest(NamespaceInfo.unlabelled("default"), NativeSidecarMode.TRUE,
                        KubeVersion.UNKNOWN));
    }

    static List<Document> read(String name) {
        return ManifestReader.read(name, Conformance.read(file(name)));
    }

    static List<JsonNode> pods(List<JsonNode> documents) {
        return Workloads.pods(documents);
    }

    static List<JsonNode> trees(List<Document> documents) {
        return documents.stream().map(Document::tree).toList();
    }

    /** Our pod against the golden's: every differing path, classified. */
    static Comparison compare(String golden, JsonNode ours, JsonNode theirs, InjectionEngine engine) {
        List<String> deliberate = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        for (String path : PodDiff.paths(ours, theirs)) {
            if (matches(DELIBERATE, path)) {
                deliberate.add(path);
            } else if (matches(PENDING, path)) {
                pending.add(path);
            } else {
                unexplained.add(path);
            }
        }
        unexplained.addAll(statusRecord(ours, theirs));
        if (!sameRules(ours, theirs, engine)) {
            unexplained.add("spec.initContainers[istio-init] (iptables rules)");
        }
        return new Comparison(golden, deliberate, pending, unexplained);
    }

    private static boolean matches(List<Difference> differences, String path) {
        return differences.stream().anyMatch(d -> d.paths().matcher(path).matches());
    }

    /** Istio's members of sidecar.istio.io/status must be equal; ours adds one of its own. */
    private static List<String> statusRecord(JsonNode ours, JsonNode theirs) {
        JsonNode a = status(ours);
        JsonNode b = status(theirs);
        if (a == null && b == null) {
            return List.of();
        }
        if (a == null || b == null) {
            return List.of("metadata.annotations.sidecar.istio.io/status");
        }
        ((ObjectNode) a).remove("kubectl-sidecar");
        List<String> out = new ArrayList<>();
        for (String key : List.of("initContainers", "containers", "volumes", "imagePullSecrets", "revision")) {
            if (!a.path(key).equals(b.path(key))) {
                out.add("metadata.annotations.sidecar.istio.io/status." + key);
            }
        }
        return out;
    }

    private static JsonNode status(JsonNode pod) {
        JsonNode value = pod.path("metadata").path("annotations").get("sidecar.istio.io/status");
        return value == null ? null : JsonText.readJson(value.asString());
    }

    /** Our istio-init applies the rules istio-iptables applies with the golden's arguments. */
    private static boolean sameRules(JsonNode ours, JsonNode theirs, InjectionEngine engine) {
        JsonNode theirInit = null;
        for (JsonNode init : theirs.path("spec").path("initContainers")) {
            if ("istio-init".equals(init.path("name").asString(null))) {
                theirInit = init;
            }
        }
        if (theirInit == null) {
            return !Workloads.hasProxy(ours) || !hasInit(ours);
        }
        StringBuilder line = new StringBuilder();
        for (JsonNode arg : theirInit.path("args")) {
            String word = arg.asString();
            if (!word.equals("istio-iptables") && !word.startsWith("--log_output_level")) {
                line.append(" '").append(word).append('\'');
            }
        }
        TrafficSettings istio = IstioFlags.parse(line.toString());
        return hasInit(ours) && engine.trafficSettings((ObjectNode) ours).equals(istio);
    }

    private static boolean hasInit(JsonNode pod) {
        for (JsonNode init : pod.path("spec").path("initContainers")) {
            if ("istio-init".equals(init.path("name").asString(null))) {
                return true;
            }
        }
        return false;
    }
}
