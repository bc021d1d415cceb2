package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.config.KubeVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class PodStateCalculatorTest {
    private static final NamespaceInfo SHOP = new NamespaceInfo("shop", Map.of("istio-injection", "enabled"));
    private final InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());
    private final PodStateCalculator calculator = new PodStateCalculator(engine, KubeVersion.of(1, 28));

    private static ObjectNode pod() {
        return (ObjectNode) JsonMappers.YAML.readTree("""
                metadata:
                  name: web-7d4b9c-x2x
                  namespace: shop
                  labels: {app: web, pod-template-hash: 7d4b9c}
                  ownerReferences: [{kind: ReplicaSet, name: web-7d4b9c, controller: true}]
                  creationTimestamp: "2026-11-26T06:00:00Z"
                spec:
                  containers: [{name: web, image: web:1}]
                """);
    }

    private ObjectNode injected() {
        return engine.inject(pod(), PodRequest.offline("shop")).pod();
    }

    private static void status(ObjectNode pod, String terminationMessage, boolean proxyReady, int restarts) {
        ObjectNode status = pod.putObject("status");
        ObjectNode init = status.putArray("initContainerStatuses").addObject().put("name", "istio-init");
        if (terminationMessage != null) {
            init.putObject("state").putObject("terminated").put("exitCode", 0).put("message", terminationMessage);
        }
        status.putArray("containerStatuses").addObject().put("name", "istio-proxy").put("ready", proxyReady)
                .put("restartCount", restarts).put("image", "docker.io/envoyproxy/envoy:v1.36.2");
    }

    private static String capturedTerminationMessage() throws IOException {
        try (InputStream in = PodStateCalculatorTest.class.getResourceAsStream("/traffic/default-injected-nft.termination-log")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anInjectedRunningPodWithTheRightRulesIsVerified() throws IOException {
        ObjectNode pod = injected();
        status(pod, capturedTerminationMessage(), true, 2);
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.injected()).isTrue();
        assertThat(state.owner()).isEqualTo("Deployment/web");
        assertThat(state.profile()).isEqualTo("envoy");
        assertThat(state.proxy()).isEqualTo(new ProxyStatus(true, true, 2, "docker.io/envoyproxy/envoy:v1.36.2"));
        assertThat(state.stale()).isFalse();
        assertThat(state.proxyBypass()).isFalse();
        assertThat(state.iptables()).isEqualTo(Verification.Status.VERIFIED);
        assertThat(state.messages()).containsExactly("namespace label istio-injection=enabled matches");
    }

    @Test
    void aPodIstiodInjectedIsIstiodsNotStale() {
        ObjectNode pod = pod();
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("sidecar.istio.io/status",
                "{\"initContainers\":null,\"containers\":[\"istio-proxy\"],\"volumes\":null,\"revision\":\"canary\"}");
        ((tools.jackson.databind.node.ArrayNode) pod.get("spec").get("containers")).addObject()
                .put("name", "istio-proxy").put("image", "docker.io/istio/proxyv2:1.28.0")
                .putArray("args").add("proxy").add("sidecar");
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.injected()).isTrue();
        assertThat(state.stale()).isFalse();
        assertThat(state.messages()).contains("already injected by istiod (revision canary); run uninject first to give "
                + "it kubectl-sidecar's sidecar");
    }

    @Test
    void aSidecarWhoseProbesCannotBeRestoredIsReportedNotThrown() throws IOException {
        ObjectNode pod = injected();
        int found = 0;
        while (!"web".equals(pod.at("/spec/containers/" + found + "/name").asString(null))) {
            found++; // the held proxy comes first
        }
        int web = found;
        ((ObjectNode) pod.at("/spec/containers/" + web)).putObject("livenessProbe").putObject("httpGet")
                .put("path", "/app-health/web/livez").put("port", 15020);
        status(pod, capturedTerminationMessage(), true, 0);
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.injected()).isTrue();
        assertThat(state.messages()).anyMatch(reason -> reason.contains("spec.containers[" + web + "].livenessProbe")
                && reason.contains("ISTIO_KUBE_APP_PROBERS"));
    }

    @Test
    void anAppContainerRunningAsTheProxyIsFlaggedWithTheReasonLast() {
        ObjectNode pod = pod();
        ((ObjectNode) pod.get("spec")).putObject("securityContext").put("runAsUser", 1337);
        ObjectNode injected = engine.inject(pod, PodRequest.offline("shop")).pod();
        PodSidecarState state = calculator.of(injected, SHOP);
        assertThat(state.injected()).isTrue();
        assertThat(state.proxyBypass()).isTrue();
        assertThat(state.messages()).last().asString()
                .isEqualTo("container web runs as the proxy's UID 1337 (spec.securityContext.runAsUser): the iptables "
                        + "rules never capture the proxy's own IDs, so its traffic bypasses the proxy");
        assertThat(PodStatesJson.read(PodStatesJson.write(java.util.List.of(state)))).containsExactly(state);

        PodSidecarState notInjected = calculator.of(pod, SHOP);
        assertThat(notInjected.proxyBypass()).as("no proxy, nothing to bypass").isFalse();
    }

    /**
     * A pod created without the webhook (or before the own istio-init rules) whose istio-init prints a captured
     * message instead of applying rules: the message is not evidence, so the rules are unknown, never verified.
     */
    @ParameterizedTest(name = "forged report: {0}")
    @ValueSource(strings = {"/command/2", "/image", "/terminationMessagePath", "/args", "/env"})
    void aTerminationMessageFromAnInitContainerThatIsNotOursIsNotTrusted(String field) throws IOException {
        ObjectNode pod = injected();
        ObjectNode init = (ObjectNode) pod.at("/spec/initContainers/0");
        switch (field) {
            case "/command/2" -> init.withArray("command").set(2, "cat /forged > /dev/termination-log");
            case "/image" -> init.put("image", "evil/iptables:1");
            case "/terminationMessagePath" -> init.put("terminationMessagePath", "/etc/forged");
            case "/args" -> init.putArray("args").add("--forge");
            default -> init.putArray("env").addObject().put("name", "TERMINATION_LOG").put("value", "/dev/null");
        }
        status(pod, capturedTerminationMessage(), true, 0);
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.iptables()).isEqualTo(Verification.Status.UNKNOWN);
        assertThat(state.messages()).as("a changed command or args no longer matches the record's digest either")
                .anyMatch(reason -> reason.equals(PodStateCalculator.UNTRUSTED_INIT)
                        || reason.contains("spec.initContainers[0] is not the sidecar injection added"));
    }

    @Test
    void theApiServersDefaultsAndTokenMountDoNotMakeOurInitContainerUntrusted() throws IOException {
        ObjectNode pod = injected();
        ObjectNode init = (ObjectNode) pod.at("/spec/initContainers/0");
        init.putArray("volumeMounts").addObject().put("name", "kube-api-access-x2x")
                .put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount").put("readOnly", true);
        init.put("imagePullPolicy", "Always");
        status(pod, capturedTerminationMessage(), true, 0);
        assertThat(calculator.of(pod, SHOP).iptables()).isEqualTo(Verification.Status.VERIFIED);
    }

    @Test
    void aPodWhoseAnnotationsCaptureNothingSaysSo() {
        ObjectNode pod = pod();
        ((ObjectNode) pod.get("metadata")).putObject("annotations").put("traffic.sidecar.istio.io/excludeInterfaces", "+");
        PodSidecarState state = calculator.of(engine.inject(pod, PodRequest.offline("shop")).pod(), SHOP);
        assertThat(state.injected()).isTrue();
        assertThat(state.messages()).anyMatch(reason -> reason.startsWith(
                dev.kubectlsidecar.injector.traffic.CaptureScope.NOTHING_CAPTURED));
        assertThat(state.has(ReasonCode.NO_TRAFFIC_CAPTURED)).isTrue();
    }

    @Test
    void aJobPodWhoseAppFinishedWhileItsClassicProxyRunsIsFlagged() {
        ObjectNode job = pod();
        ((ObjectNode) job.get("spec")).put("restartPolicy", "Never");
        ObjectNode pod = engine.inject(job, PodRequest.offline("shop")).pod();
        ObjectNode status = pod.putObject("status");
        var statuses = status.putArray("containerStatuses");
        statuses.addObject().put("name", "istio-proxy").put("ready", true).putObject("state").putObject("running");
        ObjectNode app = statuses.addObject().put("name", "web");
        app.putObject("state").putObject("running");
        assertThat(calculator.of(pod, SHOP).heldByProxy()).as("the app still runs").isFalse();

        app.putObject("state").putObject("terminated").put("exitCode", 0).put("reason", "Completed");
        PodSidecarState held = calculator.of(pod, SHOP);
        assertThat(held.heldByProxy()).isTrue();
        assertThat(held.problems()).contains(PodProblem.HELD_BY_PROXY);
        assertThat(held.messages()).last().asString().startsWith("its app containers have finished, but its classic "
                + "sidecar keeps the pod running: POST 127.0.0.1:15000/quitquitquit");
        assertThat(PodStatesJson.read(PodStatesJson.write(java.util.List.of(held)))).containsExactly(held);

        ((ObjectNode) statuses.get(0)).putObject("state").putObject("terminated").put("exitCode", 0);
        assertThat(calculator.of(pod, SHOP).heldByProxy()).as("the proxy quit too").isFalse();
        ((ObjectNode) statuses.get(0)).putObject("state").putObject("running");
        ((ObjectNode) pod.get("spec")).put("restartPolicy", "Always");
        assertThat(calculator.of(pod, SHOP).heldByProxy()).as("not a run-to-completion pod").isFalse();
    }

    @Test
    void aDeletedRuleIsAMismatchNamingTheRule() throws IOException {
        ObjectNode pod = injected();
        String message = capturedTerminationMessage().replace("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN\n", "");
        status(pod, message, true, 0);
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.iptables()).isEqualTo(Verification.Status.MISMATCH);
        assertThat(state.iptablesDiff()).singleElement().asString().startsWith("missing: ").contains("127.0.0.1/32 -j RETURN");
    }

    @Test
    void oneCalculatorTellsARemovedRuleFromTheRightRulesWhicheverItSawFirst() throws IOException {
        ObjectNode verified = injected();
        status(verified, capturedTerminationMessage(), true, 0);
        ObjectNode mismatched = injected();
        status(mismatched, capturedTerminationMessage().replace("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN\n", ""), true, 0);

        assertThat(calculator.of(verified, SHOP).iptables()).isEqualTo(Verification.Status.VERIFIED);
        assertThat(calculator.of(mismatched, SHOP).iptables()).isEqualTo(Verification.Status.MISMATCH);
        assertThat(calculator.of(verified.deepCopy(), SHOP).iptables()).isEqualTo(Verification.Status.VERIFIED);
        assertThat(calculator.of(mismatched.deepCopy(), SHOP).iptablesDiff()).singleElement().asString()
                .contains("127.0.0.1/32 -j RETURN");
    }

    @Test
    void noMessageYetIsUnknownAndAnUninjectedPodIsNotApplicable() {
        ObjectNode pod = injected();
        status(pod, null, false, 0);
        assertThat(calculator.of(pod, SHOP).iptables()).isEqualTo(Verification.Status.UNKNOWN);
        PodSidecarState plain = calculator.of(pod(), SHOP);
        assertThat(plain.injected()).isFalse();
        assertThat(plain.iptables()).isEqualTo(Verification.Status.NOT_APPLICABLE);
        assertThat(plain.messages()).as("no record of when injection was enabled")
                .contains("created before injection was enabled, or while the agent did not answer under failurePolicy Ignore: restart it");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "enabled after the pod was created | 2026-11-26T07:00:00Z | enabled | UNKNOWN | createdBeforeEnabled | created before injection was enabled: restart it",
            "enabled before the pod was created | 2026-11-26T05:00:00Z | enabled | IGNORE | webhookSkipped | created after injection was enabled, but the API server skipped the webhook (the agent did not answer and failurePolicy is Ignore): restart it",
            "enabled before, failurePolicy Fail | 2026-11-26T05:00:00Z | enabled | FAIL | webhookSkipped | created after injection was enabled, but while no webhook configuration was installed: restart it",
            "an unreadable enabled-at | yesterday | enabled | UNKNOWN | createdBeforeEnabledOrWebhookSkipped | created before injection was enabled, or while the agent did not answer under failurePolicy Ignore: restart it",
            "an unreadable enabled-at, failurePolicy Fail | yesterday | enabled | FAIL | createdBeforeEnabledOrWebhookSkipped | created before injection was enabled, or while no webhook configuration was installed: restart it",
            "the pod opts in, the namespace is not enabled | 2026-11-26T05:00:00Z | - | UNKNOWN | createdBeforeEnabledOrWebhookSkipped | created before injection was enabled, or while the agent did not answer under failurePolicy Ignore: restart it",
            "no webhook configuration at all | 2026-11-26T05:00:00Z | enabled | ABSENT | noWebhookConfiguration | no webhook configuration is installed, so the API server creates pods without a sidecar: run `kubectl sidecar install`, then restart it",
            "no webhook configuration, created before | 2026-11-26T07:00:00Z | enabled | ABSENT | noWebhookConfiguration | no webhook configuration is installed, so the API server creates pods without a sidecar: run `kubectl sidecar install`, then restart it"})
    void aPodWithoutTheSidecarItShouldHaveSaysWhy(String scenario, String enabledAt, String label, WebhookPresence webhook,
                                                  String code, String reason) {
        NamespaceInfo shop = NamespaceInfo.of("shop", label.equals("-") ? Map.of() : Map.of("istio-injection", label),
                Map.of(NamespaceInfo.ENABLED_AT_ANNOTATION, enabledAt));
        ObjectNode pod = pod();
        if (!label.equals("enabled")) {
            pod.withObject("metadata").withObject("labels").put("sidecar.istio.io/inject", "true");
        }

        PodSidecarState state = new PodStateCalculator(engine, KubeVersion.of(1, 28), webhook).of(pod, shop);

        assertThat(state.injected()).isFalse();
        assertThat(state.reasons()).last().extracting(r -> r.code().id()).isEqualTo(code);
        assertThat(state.lastMessage()).isEqualTo(reason);
        assertThat(state.problem()).isEqualTo(PodProblem.MISSING);
        assertThat(state.missing()).isTrue();
        assertThat(state.stale()).isFalse();
    }

    @Test
    void aSidecarFromAnOlderConfigIsStale() {
        InjectionConfig newer = ConfigLoader.parse("new", """
                defaultProfile: envoy
                profiles:
                  envoy: {proxyImage: docker.io/envoyproxy/envoy:v1.37.0, initImage: i}
                """);
        PodSidecarState state = new PodStateCalculator(new InjectionEngine(newer), KubeVersion.of(1, 28)).of(injected(), SHOP);
        assertThat(state.stale()).isTrue();
        assertThat(state.has(ReasonCode.STALE)).isTrue();
        assertThat(state.problems()).containsExactly(PodProblem.STALE, PodProblem.PROXY_NOT_READY);
        assertThat(state.messages()).contains("sidecar differs from what the current config injects: restart it");
    }

    @Test
    void anInjectedPodInADisabledNamespaceIsStaleWithTheReason() {
        PodSidecarState state = calculator.of(injected(), new NamespaceInfo("shop", Map.of("istio-injection", "disabled")));
        assertThat(state.stale()).isTrue();
        assertThat(state.messages()).containsExactly("namespace label istio-injection=disabled",
                "injected, but the policy no longer injects it: restart it to remove the sidecar");
        assertThat(state.reasons()).extracting(r -> r.code().id()).containsExactly("namespaceDisabled", "noLongerInjected");
    }

    @Test
    void aPodOptingOutSaysWhy() {
        ObjectNode pod = pod();
        ((ObjectNode) pod.at("/metadata/labels")).put("sidecar.istio.io/inject", "false");
        PodSidecarState state = calculator.of(pod, SHOP);
        assertThat(state.injected()).isFalse();
        assertThat(state.messages()).containsExactly("namespace label istio-injection=enabled matches",
                "pod label sidecar.istio.io/inject=false");
        assertThat(state.reasons()).extracting(r -> r.code().id()).containsExactly("namespaceEnabled", "podOptOut");
        assertThat(state.problems()).as("opting out is no problem").isEmpty();
    }
}
