package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The istio profile: Istio's probe rewrite, labels, env and revision, and undoing them (ours and istiod's). */
class IstioProfileTest {
    private static final String PROBED = """
            metadata:
              name: web
              labels: {app: web, version: v2}
              annotations: {prometheus.io/port: "9090", prometheus.io/scrape: "true"}
            spec:
              containers:
              - name: web
                image: web:1
                ports: [{name: http, containerPort: 8080}, {name: grpc, containerPort: 9000, protocol: TCP}]
                readinessProbe: {httpGet: {path: /ready, port: http, scheme: HTTPS, httpHeaders: [{name: X-A, value: "a&b"}]}, periodSeconds: 5}
                livenessProbe: {tcpSocket: {port: 8080}, timeoutSeconds: 2}
                startupProbe: {grpc: {port: 9000}}
                lifecycle: {preStop: {httpGet: {path: /stop, port: 8080}}, postStart: {exec: {command: [true]}}}
              - name: side
                image: side:1
                livenessProbe: {exec: {command: [cat, /ok]}}
                readinessProbe: {httpGet: {path: /r, port: missing}}
            """;

    private static ObjectNode pod(String yaml) {
        return (ObjectNode) JsonMappers.YAML.readTree(yaml);
    }

    /** By name: with the hold on (the default), the proxy is the first container. */
    private static JsonNode container(JsonNode pod, String name) {
        for (JsonNode container : pod.path("spec").path("containers")) {
            if (name.equals(container.path("name").asString(null))) {
                return container;
            }
        }
        throw new AssertionError("no container " + name);
    }

    static InjectionConfig config(String mesh) {
        return ConfigLoader.parse("test", """
                defaultProfile: istio
                profiles:
                  istio:
                    flavor: istio
                    proxyImage: docker.io/istio/proxyv2:1.28.0
                    initImage: registry.k8s.io/build-image/distroless-iptables:v0.8.6
                    mesh: %s
                  envoy:
                    proxyImage: docker.io/envoyproxy/envoy:v1.36.2
                    initImage: registry.k8s.io/build-image/distroless-iptables:v0.8.6
                """.formatted(mesh));
    }

    private final InjectionEngine engine = new InjectionEngine(config("{}"));

    private static JsonNode proxy(JsonNode pod) {
        for (JsonNode container : pod.path("spec").path("containers")) {
            if (container.path("name").asString("").equals("istio-proxy")) {
                return container;
            }
        }
        throw new AssertionError("no istio-proxy in " + pod);
    }

    private static String env(JsonNode pod, String name) {
        for (JsonNode entry : proxy(pod).path("env")) {
            if (entry.path("name").asString("").equals(name)) {
                return entry.path("value").asString(null);
            }
        }
        return null;
    }

    @Test
    void probesAreRewrittenToPilotAgentAsIstioDoes() {
        PodInjection result = engine.inject(pod(PROBED), PodRequest.offline("shop"));
        JsonNode web = container(result.pod(), "web");
        assertThat(web.get("readinessProbe")).isEqualTo(pod("""
                {httpGet: {path: /app-health/web/readyz, port: 15020, scheme: HTTP, httpHeaders: [{name: X-A, value: "a&b"}]}, periodSeconds: 5}"""));
        assertThat(web.get("livenessProbe")).isEqualTo(pod("{httpGet: {path: /app-health/web/livez, port: 15020}, timeoutSeconds: 2}"));
        assertThat(web.get("startupProbe")).isEqualTo(pod("{httpGet: {path: /app-health/web/startupz, port: 15020}}"));
        assertThat(web.get("lifecycle")).isEqualTo(pod("""
                {preStop: {httpGet: {path: /app-lifecycle/web/prestopz, port: 15020}}, postStart: {exec: {command: [true]}}}"""));
        // Go's encoding/json: keys sorted, fields in struct order, & escaped; the unresolvable named port is left
        assertThat(env(result.pod(), AppProbes.ENV)).isEqualTo("{\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":8080},"
                + "\"timeoutSeconds\":2},\"/app-health/web/readyz\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080,"
                + "\"scheme\":\"HTTPS\",\"httpHeaders\":[{\"name\":\"X-A\",\"value\":\"a\\u0026b\"}]}},"
                + "\"/app-health/web/startupz\":{\"grpc\":{\"port\":9000,\"service\":null}},"
                + "\"/app-lifecycle/web/prestopz\":{\"httpGet\":{\"path\":\"/stop\",\"port\":8080}}}");
        JsonNode side = container(result.pod(), "side");
        assertThat(side.get("readinessProbe")).isEqualTo(pod("{httpGet: {path: /r, port: missing}}"));
        assertThat(side.get("livenessProbe")).isEqualTo(pod("{exec: {command: [cat, /ok]}}"));
        assertThat(result.warnings()).anyMatch(w -> w.contains("side") && w.contains("\"missing\""));
    }

    @Test
    void labelsAnnotationsAndEnvAreIstiods() {
        JsonNode pod = engine.inject(pod(PROBED), PodRequest.offline("shop")).pod();
        assertThat(pod.at("/metadata/labels")).isEqualTo(pod("""
                {app: web, version: v2, security.istio.io/tlsMode: istio, service.istio.io/canonical-name: web,
                 service.istio.io/canonical-revision: v2}"""));
        JsonNode annotations = pod.at("/metadata/annotations");
        assertThat(annotations.path("istio.io/rev").asString()).isEqualTo("default");
        assertThat(annotations.path("kubectl.kubernetes.io/default-logs-container").asString()).isEqualTo("web");
        assertThat(annotations.path("prometheus.io/port").asString()).isEqualTo("15020");
        assertThat(annotations.path("prometheus.io/path").asString()).isEqualTo("/stats/prometheus");
        assertThat(env(pod, "ISTIO_PROMETHEUS_ANNOTATIONS")).isEqualTo("{\"scrape\":\"true\",\"path\":\"\",\"port\":\"9090\"}");
        assertThat(env(pod, "ISTIO_META_APP_CONTAINERS")).isEqualTo("web,side");
        assertThat(env(pod, "ISTIO_META_POD_PORTS")).isEqualTo("""
                [
                    {"name":"http","containerPort":8080}
                    ,{"name":"grpc","containerPort":9000,"protocol":"TCP"}
                ]""");
        assertThat(env(pod, "ISTIO_META_WORKLOAD_NAME")).isEqualTo("web");
        assertThat(env(pod, "ISTIO_META_OWNER")).isEqualTo("kubernetes://apis/v1/namespaces/shop/pods/web");
        assertThat(env(pod, "CA_ADDR")).isEqualTo("istiod.istio-system.svc:15012");
    }

    @Test
    void uninjectGivesTheAuthorsPodBackAndReinjectionIsStable() {
        ObjectNode original = pod(PROBED);
        JsonNode once = engine.inject(original, PodRequest.offline("shop")).pod();
        assertThat(engine.uninject((ObjectNode) once)).isEqualTo(original);
        assertThat(engine.inject((ObjectNode) once, PodRequest.offline("shop")).pod()).isEqualTo(once);
    }

    @Test
    void aRecordedLabelWhoseValueInjectionWouldNotSetStaysWithTheAuthor() {
        ObjectNode injected = (ObjectNode) engine.inject(pod(PROBED), PodRequest.offline("shop")).pod();
        ObjectNode labels = (ObjectNode) injected.path("metadata").path("labels");
        labels.put("security.istio.io/tlsMode", "authors-own");
        labels.put("service.istio.io/canonical-revision", "authors-revision");

        JsonNode back = engine.uninject(injected).path("metadata").path("labels");

        assertThat(back.path("security.istio.io/tlsMode").asString()).isEqualTo("authors-own");
        assertThat(back.path("service.istio.io/canonical-revision").asString()).isEqualTo("authors-revision");
    }

    @Test
    void labelsThatAreNoMappingAreAnErrorAndNoLabelsAtAllComeBackAsNone() {
        assertThatThrownBy(() -> engine.inject(pod("metadata: {labels: oops}\nspec: {containers: [{name: a, image: a}]}"),
                PodRequest.offline("shop"))).isInstanceOf(MalformedPodException.class).hasMessageContaining("metadata.labels");
        for (String pod : new String[] {"metadata: {name: a}\nspec: {containers: [{name: a, image: a}]}",
                "metadata: {name: a, labels: null}\nspec: {containers: [{name: a, image: a}]}"}) {
            ObjectNode original = pod(pod);
            JsonNode injected = engine.inject(original, PodRequest.offline("shop")).pod();
            assertThat(injected.at("/metadata/labels/security.istio.io~1tlsMode").asString()).isEqualTo("istio");
            assertThat(engine.uninject((ObjectNode) injected)).isEqualTo(original);
        }
    }

    @Test
    void theEnvoyProfileDoesNotRewrite() {
        ObjectNode pod = pod(PROBED);
        ((ObjectNode) pod.get("metadata").get("annotations")).put("kubectl-sidecar/profile", "envoy");
        JsonNode injected = engine.inject(pod, PodRequest.offline("shop")).pod();
        assertThat(container(injected, "web").get("readinessProbe")).isEqualTo(pod.at("/spec/containers/0/readinessProbe"));
        assertThat(injected.at("/metadata/labels")).isEqualTo(pod.at("/metadata/labels"));
        assertThat(injected.toString()).doesNotContain(AppProbes.ENV);
    }

    @ParameterizedTest
    @CsvSource({"true, '', true", "false, '', false", "true, 'false', false", "false, 'true', true", "true, '0', false",
            "false, 'T', true"})
    void theAnnotationOverridesTheConfigDefault(boolean configDefault, String annotation, boolean rewritten) {
        InjectionEngine configured = new InjectionEngine(config("{rewriteAppProbers: " + configDefault + "}"));
        ObjectNode pod = pod(PROBED);
        if (!annotation.isEmpty()) {
            ((ObjectNode) pod.get("metadata").get("annotations")).put(AppProbes.REWRITE_ANNOTATION, annotation);
        }
        PodInjection result = configured.inject(pod, PodRequest.offline("shop"));
        JsonNode injected = result.pod();
        assertThat(result.warnings()).as("honoured, so not reported as ignored")
                .noneMatch(w -> w.contains(AppProbes.REWRITE_ANNOTATION));
        assertThat(container(injected, "web").at("/livenessProbe/httpGet/port").asInt()).isEqualTo(rewritten ? 15020 : 0);
        assertThat(env(injected, AppProbes.ENV) != null).isEqualTo(rewritten);
    }

    @Test
    void anUnreadableRewriteAnnotationIsAnErrorNamingIt() {
        ObjectNode pod = pod(PROBED);
        ((ObjectNode) pod.get("metadata").get("annotations")).put(AppProbes.REWRITE_ANNOTATION, "maybe");
        assertThatThrownBy(() -> engine.inject(pod, PodRequest.offline("shop")))
                .isInstanceOf(InvalidAnnotationException.class)
                .hasMessageContaining(AppProbes.REWRITE_ANNOTATION).hasMessageContaining("maybe");
    }

    @Test
    void theRevisionAndMeshComeFromTheConfig() {
        InjectionEngine canary = new InjectionEngine(config(
                "{revision: canary, trustDomain: corp.example, clusterID: east, meshID: global}"));
        JsonNode pod = canary.inject(pod(PROBED), PodRequest.offline("shop")).pod();
        assertThat(env(pod, "CA_ADDR")).isEqualTo("istiod-canary.istio-system.svc:15012");
        assertThat(env(pod, "TRUST_DOMAIN")).isEqualTo("corp.example");
        assertThat(env(pod, "ISTIO_META_CLUSTER_ID")).isEqualTo("east");
        assertThat(env(pod, "ISTIO_META_MESH_ID")).isEqualTo("global");
        assertThat(pod.at("/metadata/annotations/istio.io~1rev").asString()).isEqualTo("canary");
        assertThat(InjectionRecord.read(pod).orElseThrow().revision()).isEqualTo("canary");
        assertThat(new InjectionEngine(config("{caAddress: \"istiod.mesh.example:15012\"}"))
                .inject(pod(PROBED), PodRequest.offline("shop")).pod().toString()).contains("istiod.mesh.example:15012");
    }

    @Test
    void istioRevSelectsLikeIstiodsRevisionedWebhooks() {
        InjectionEngine canary = new InjectionEngine(config("{revision: canary}"));
        ObjectNode stable = pod(PROBED);
        ((ObjectNode) stable.get("metadata").get("labels")).put("istio.io/rev", "stable");
        PodInjection skipped = canary.inject(stable, PodRequest.offline("shop"));
        assertThat(skipped.injected()).isFalse();
        assertThat(skipped.decision().reasons().get(0).code().id()).isEqualTo("otherRevision");
        assertThat(skipped.decision().summary()).contains("istio.io/rev=stable").contains("canary");

        ObjectNode ours = pod(PROBED);
        ((ObjectNode) ours.get("metadata").get("labels")).put("istio.io/rev", "canary");
        assertThat(canary.inject(ours, PodRequest.offline("shop")).injected()).isTrue();

        NamespaceInfo labelled = new NamespaceInfo("shop", Map.of("istio.io/rev", "canary"));
        PodInjection byNamespace = canary.inject(pod(PROBED), new PodRequest(labelled, null, KubeVersion.UNKNOWN));
        assertThat(byNamespace.injected()).isTrue();
        assertThat(byNamespace.decision().reasons().get(0).code().id()).isEqualTo("namespaceRevision");
        NamespaceInfo other = new NamespaceInfo("shop", Map.of("istio.io/rev", "stable"));
        assertThat(canary.inject(pod(PROBED), new PodRequest(other, null,
                KubeVersion.UNKNOWN)).injected()).isFalse();

        ObjectNode envoyPod = pod(PROBED);
        ((ObjectNode) envoyPod.get("metadata").get("labels")).put("istio.io/rev", "default");
        ((ObjectNode) envoyPod.get("metadata").get("annotations")).put("kubectl-sidecar/profile", "envoy");
        assertThat(canary.inject(envoyPod, PodRequest.offline("shop")).decision().summary())
                .contains("joins no istiod");
    }

    /** With a named revision, in the cluster: as istiod's revisioned webhooks select (README, Revisions in the cluster). */
    @ParameterizedTest(name = "namespace [{0}|{1}] pod [{2}|{3}]: {4}")
    @CsvSource(delimiter = '|', value = {
            "       | canary |       |        | namespaceRevision    | true",
            "enabled| canary |       |        | namespaceNotLabelled | false",
            "enabled|        |       |        | namespaceNotLabelled | false",
            "disabled| canary|       | canary | namespaceDisabled    | false",
            "       | stable |       | canary | otherRevision        | false",
            "       |        |       | canary | podRevision          | true",
            "       |        | true  |        | namespaceNotLabelled | false",
            "       | canary | false |        | podOptOut            | false",
            "       | canary |       | stable | otherRevision        | false"})
    void aNamedRevisionSelectsAsIstiodsRevisionedWebhooks(String injection, String namespaceRevision, String inject,
                                                          String podRevision, String code, boolean injected) {
        InjectionEngine canary = new InjectionEngine(config("{revision: canary}"));
        Map<String, String> namespace = new java.util.HashMap<>();
        if (injection != null) {
            namespace.put("istio-injection", injection);
        }
        if (namespaceRevision != null) {
            namespace.put("istio.io/rev", namespaceRevision);
        }
        ObjectNode pod = pod("{metadata: {name: web, labels: {}}, spec: {containers: [{name: web, image: web:1}]}}");
        if (inject != null) {
            ((ObjectNode) pod.at("/metadata/labels")).put("sidecar.istio.io/inject", inject);
        }
        if (podRevision != null) {
            ((ObjectNode) pod.at("/metadata/labels")).put("istio.io/rev", podRevision);
        }
        PodInjection result = canary.inject(pod, new PodRequest(new NamespaceInfo("shop", namespace), null, KubeVersion.UNKNOWN));
        assertThat(result.injected()).isEqualTo(injected);
        assertThat(result.decision().reasons()).extracting(reason -> reason.code().id()).contains(code);
    }

    @Test
    void aGeneratedPodIsNamedAfterItsDeployment() {
        ObjectNode pod = pod("""
                metadata:
                  generateName: web-7d9f8-
                  labels: {pod-template-hash: 7d9f8}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f8, controller: true}]
                spec:
                  containers: [{name: web, image: web:1}]
                """);
        JsonNode injected = engine.inject(pod, PodRequest.offline("shop")).pod();
        assertThat(env(injected, "ISTIO_META_OWNER")).isEqualTo("kubernetes://apis/apps/v1/namespaces/shop/deployments/web");
        assertThat(injected.at("/metadata/labels/service.istio.io~1canonical-name").asString()).isEqualTo("web");
    }

    /** An istiod-looking pod whose rewritten probe and ISTIO_KUBE_APP_PROBERS an attacker wrote. */
    private static ObjectNode istiodPod(String probe, String probers) {
        ObjectNode pod = pod("""
                metadata:
                  annotations:
                    sidecar.istio.io/status: '{"initContainers":null,"containers":["istio-proxy"],"volumes":null,"revision":"default"}'
                spec:
                  containers:
                  - {name: web, image: web:1, ports: [{name: http, containerPort: 8080}], livenessProbe: %s}
                  - name: istio-proxy
                    image: proxyv2
                    args: [proxy, sidecar]
                    env: [{name: ISTIO_KUBE_APP_PROBERS, value: '%s'}]
                """.formatted(probe, probers));
        return pod;
    }

    private static final String REWRITTEN = "{httpGet: {path: /app-health/web/livez, port: 15020}, periodSeconds: 3}";

    @Test
    void istiodsProbesComeBackFromItsVariable() {
        ObjectNode back = engine.uninject(istiodPod(REWRITTEN, "{\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":8080}}}"));
        assertThat(back.at("/spec/containers/0/livenessProbe")).isEqualTo(pod("{tcpSocket: {port: 8080}, periodSeconds: 3}"));
        assertThat(back.at("/spec/containers").size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // a probe that is not pilot-agent's rewrite is never overwritten from the variable
            "not a rewrite|{exec: {command: [cat]}}|{\"/app-health/web/livez\":{\"httpGet\":{\"port\":8080}}}|ISTIO_KUBE_APP_PROBERS",
            "no original|" + REWRITTEN + "|{}|spec.containers[0].livenessProbe",
            "port out of range|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"httpGet\":{\"port\":70000}}}|httpGet.port",
            "port zero|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"tcpSocket\":{\"port\":0}}}|tcpSocket.port",
            "an exec smuggled in|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"exec\":{\"command\":[\"sh\"]}}}|unexpected field \"exec\"",
            "two actions|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"httpGet\":{\"port\":1},\"tcpSocket\":{\"port\":1}}}|exactly one",
            "unknown action field|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"httpGet\":{\"port\":1,\"command\":\"x\"}}}|unexpected field \"command\"",
            "a host with blanks|" + REWRITTEN + "|{\"/app-health/web/livez\":{\"httpGet\":{\"port\":1,\"host\":\"a b\"}}}|httpGet.host",
            "not JSON|" + REWRITTEN + "|{not json|must be the JSON object",
            "a list|" + REWRITTEN + "|[]|must be the JSON object"})
    void aForgedVariableIsRefusedNamingTheField(String what, String probe, String probers, String named) {
        assertThatThrownBy(() -> engine.uninject(istiodPod(probe, probers)))
                .isInstanceOf(MalformedPodException.class)
                .hasMessageContaining(named);
    }

    /**
     * Our record may list only the labels the profile adds and give back only the annotations it replaces: a record
     * that would remove the author's labels or add annotations is an error naming it, and nothing is removed.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "the author's labels|\"labels\":[|\"labels\":[\"app\",\"version\",|lists label app, which injection never adds",
            "an annotation to add|\"before\":{|\"before\":{\"team\":\"evil\",|gives back annotation team, which injection never replaces"})
    void aForgedRecordNeverRemovesTheAuthorsLabelsOrAddsAnnotations(String what, String genuine, String forged,
                                                                    String problem) {
        ObjectNode once = (ObjectNode) engine.inject(pod(PROBED), PodRequest.offline("shop")).pod();
        ObjectNode annotations = (ObjectNode) once.get("metadata").get("annotations");
        String record = annotations.get(InjectionRecord.ANNOTATION).asString();
        assertThat(record).contains(genuine);
        annotations.put(InjectionRecord.ANNOTATION, record.replace(genuine, forged));
        ObjectNode before = once.deepCopy();
        for (Runnable path : new Runnable[] {() -> engine.uninject(once),
                () -> engine.inject(once, PodRequest.offline("shop"))}) {
            assertThatThrownBy(path::run).as(what).isInstanceOf(InvalidAnnotationException.class)
                    .hasMessageStartingWith("invalid annotation sidecar.istio.io/status=")
                    .hasMessageContaining(problem);
        }
        assertThat(once).isEqualTo(before);
    }

    @Test
    void istiodsLabelsAndAnnotationsGoWithItsSidecar() {
        ObjectNode pod = pod("""
                metadata:
                  labels: {app: web, team: a, security.istio.io/tlsMode: istio, service.istio.io/canonical-name: web,
                           service.istio.io/canonical-revision: latest}
                  annotations:
                    istio.io/rev: default
                    kubectl.kubernetes.io/default-container: web
                    kubectl.kubernetes.io/default-logs-container: web
                    prometheus.io/path: /stats/prometheus
                    prometheus.io/port: "15020"
                    prometheus.io/scrape: "true"
                    sidecar.istio.io/status: '{"initContainers":null,"containers":["istio-proxy"],"volumes":null,"revision":"default"}'
                spec:
                  containers:
                  - {name: web, image: web:1}
                  - name: istio-proxy
                    image: proxyv2
                    args: [proxy, sidecar]
                    env: [{name: ISTIO_PROMETHEUS_ANNOTATIONS, value: '{"scrape":"true","path":"/m","port":"9090"}'}]
                """);
        ObjectNode back = engine.uninject(pod);
        assertThat(back.at("/metadata/labels")).isEqualTo(pod("{app: web, team: a}"));
        assertThat(back.at("/metadata/annotations")).isEqualTo(pod(
                "{prometheus.io/scrape: \"true\", prometheus.io/path: /m, prometheus.io/port: \"9090\"}"));
    }

    @Test
    void scrapeTargetsAreMergedAndComeBackOnUninject() {
        ObjectNode pod = pod("""
                metadata:
                  name: web
                  annotations: {prometheus.io/scrape: "true", prometheus.istio.io/scrape-targets: " 8080:/m , 9100 "}
                spec:
                  containers: [{name: web, image: web:1}]
                """);
        JsonNode injected = engine.inject(pod, PodRequest.offline("shop")).pod();
        assertThat(env(injected, "ISTIO_PROMETHEUS_ANNOTATIONS")).isEqualTo("{\"scrape\":\"true\",\"path\":\"/m\",\"port\":\"8080\","
                + "\"targets\":[{\"port\":\"8080\",\"path\":\"/m\"},{\"port\":\"9100\",\"path\":\"/metrics\"}]}");
        assertThat(injected.at("/metadata/annotations").has("prometheus.istio.io/scrape-targets")).isFalse();
        assertThat(injected.at("/metadata/annotations/prometheus.io~1port").asString()).isEqualTo("15020");
        assertThat(engine.uninject((ObjectNode) injected).at("/metadata/annotations")).isEqualTo(pod.at("/metadata/annotations"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "prometheus.istio.io/scrape-targets|8080:/m,http:/x|port \"http\" is not a port number from 1 to 65535",
            "prometheus.istio.io/scrape-targets|8080,15020|port 15020 is pilot-agent's",
            "prometheus.istio.io/scrape-targets|15000:/stats|port 15000 is reserved for the proxy (Envoy admin)",
            "prometheus.io/port|70000|port \"70000\" is not a port number from 1 to 65535",
            "prometheus.io/port|15090|port 15090 is reserved for the proxy (Envoy Prometheus (already merged))"})
    void aMetricsPortTheProxyOwnsRefusesThePod(String key, String value, String problem) {
        ObjectNode pod = pod("{metadata: {name: web}, spec: {containers: [{name: web, image: web:1}]}}");
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put(key, value);
        assertThatThrownBy(() -> engine.inject(pod, PodRequest.offline("shop"))).isInstanceOf(InvalidAnnotationException.class)
                .hasMessageStartingWith("invalid annotation " + key + "=").hasMessageContaining(problem);
        ((ObjectNode) pod.get("metadata").get("annotations")).put("prometheus.io/scrape", "false");
        assertThat(engine.inject(pod, PodRequest.offline("shop")).injected()).as("no merge, nothing to check").isTrue();
    }

    @Test
    void otelSemanticConventionsGiveTheProxyItsResourceAttributes() {
        InjectionEngine otel = new InjectionEngine(config("{serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS}"));
        ObjectNode pod = pod("""
                metadata:
                  name: web
                  labels: {app.kubernetes.io/version: v3}
                spec:
                  containers: [{name: web, image: web:1}, {name: log, image: log:1}]
                """);
        assertThat(env(otel.inject(pod, PodRequest.offline("shop")).pod(), "OTEL_RESOURCE_ATTRIBUTES"))
                .isEqualTo("service.namespace=shop,service.version=v3,service.instance.id=shop.$(POD_NAME).web");
        assertThat(env(engine.inject(pod, PodRequest.offline("shop")).pod(), "OTEL_RESOURCE_ATTRIBUTES"))
                .as("Istio's default, ISTIO_CANONICAL").isNull();
        assertThatThrownBy(() -> config("{serviceAttributeEnrichment: otel}")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("mesh.serviceAttributeEnrichment");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{revision: Canary!}|mesh.revision",
            "{trustDomain: \"a b\"}|mesh.trustDomain",
            "{caAddress: \"istiod\"}|mesh.caAddress",
            "{clusterID: \"a\\\"b\"}|mesh.clusterID",
            "{istioNamespace: Istio}|mesh.istioNamespace",
            "{statusPort: 1}|mesh.statusPort"})
    void aBadMeshSettingIsAnErrorNamingIt(String mesh, String field) {
        assertThatThrownBy(() -> config(mesh)).isInstanceOf(InvalidConfigException.class).hasMessageContaining(field);
    }

    @Test
    void onlyAnIstioProfileJoinsAMesh() {
        assertThatThrownBy(() -> ConfigLoader.parse("test", """
                defaultProfile: envoy
                profiles:
                  envoy:
                    proxyImage: docker.io/envoyproxy/envoy:v1.36.2
                    initImage: registry.k8s.io/build-image/distroless-iptables:v0.8.6
                    mesh: {}
                """)).isInstanceOf(InvalidConfigException.class).hasMessageContaining("profiles.envoy.mesh");
    }
}
