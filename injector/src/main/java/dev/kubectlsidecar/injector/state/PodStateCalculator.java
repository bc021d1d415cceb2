package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.UninjectedPod;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.memo.RecentlyUsed;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import dev.kubectlsidecar.injector.render.InjectionRecord;
import dev.kubectlsidecar.injector.render.SidecarParts;
import dev.kubectlsidecar.injector.render.SidecarRenderer;
import dev.kubectlsidecar.injector.traffic.CaptureScope;
import dev.kubectlsidecar.injector.traffic.RuleSetVerifier;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Computes a pod's {@link PodSidecarState} with the same engine that injects: the policy's decision for the pod
 * as it is now, a fresh render to detect stale sidecars, and the verifier on the rules the init container reported.
 * The agent runs it for every watched pod; {@code status} runs it itself when the agent cannot be reached.
 *
 * <p>Pods with the same traffic settings report the same rules, so a calculator remembers the last
 * {@value #REMEMBERED} verifications by settings and message: with thousands of pods, verifying (parsing
 * {@code iptables-save} output, generating and comparing the expected rules) was a third of the work. Keep one
 * calculator per engine. Safe for concurrent use.
 */
public final class PodStateCalculator {
    static final int REMEMBERED = 64;
    static final String HELD_BY_PROXY = "its app containers have finished, but its classic sidecar keeps the pod "
            + "running: POST 127.0.0.1:15000/quitquitquit from the app when done, or use native sidecars (Kubernetes ≥ 1.29)";
    static final String UNTRUSTED_INIT = "istio-init is not the init container the injector renders for this pod "
            + "(its image, command or another field that decides what runs differs): its report of the iptables rules "
            + "is not trusted";

    private final InjectionEngine engine;
    private final KubeVersion kubeVersion;
    private final WebhookPresence webhook;
    private final RecentlyUsed<VerificationInput, Verification> verified = new RecentlyUsed<>(REMEMBERED);

    /** What a verification depends on. */
    private record VerificationInput(TrafficSettings settings, String terminationMessage) {
    }

    public PodStateCalculator(InjectionEngine engine, KubeVersion kubeVersion) {
        this(engine, kubeVersion, WebhookPresence.UNKNOWN);
    }

    /** @param webhook what the caller found of the webhook configuration (why a pod lacks its sidecar depends on it) */
    public PodStateCalculator(InjectionEngine engine, KubeVersion kubeVersion, WebhookPresence webhook) {
        this.engine = engine;
        this.kubeVersion = kubeVersion;
        this.webhook = webhook;
    }

    /** The engine whose config the states are computed with. */
    public InjectionEngine engine() {
        return engine;
    }

    public PodSidecarState of(ObjectNode pod, NamespaceInfo namespace) {
        JsonNode metadata = pod.path("metadata");
        List<Reason> reasons = new ArrayList<>();
        Optional<InjectionRecord> record = readRecord(pod, reasons);
        boolean injected = record.isPresent();
        // an injected pod is uninjected once for every question below; null when it cannot be (inject says why)
        UninjectedPod uninjected = injected ? uninjected(pod) : null;
        try {
            PodRequest request = new PodRequest(namespace, null, kubeVersion);
            PodInjection fresh = uninjected != null ? engine.inject(uninjected, request) : engine.inject(pod, request);
            reasons.addAll(fresh.decision().reasons());
            // istiod's sidecar: the decision says so, and whether it is current is istiod's to tell
            boolean ours = injected && record.get().ours();
            if (!injected && fresh.injected()) {
                reasons.add(whyWithoutSidecar(metadata, namespace));
            } else if (ours && !fresh.injected()) {
                reasons.add(new Reason(ReasonCode.NO_LONGER_INJECTED,
                        "injected, but the policy no longer injects it: restart it to remove the sidecar"));
            } else if (ours && !fresh.parts().templateHash().equals(hashOf(metadata))) {
                reasons.add(new Reason(ReasonCode.STALE, "sidecar differs from what the current config injects: restart it"));
            }
        } catch (InvalidAnnotationException e) {
            reasons.add(new Reason(ReasonCode.INVALID_ANNOTATION, e.getMessage()));
        } catch (MalformedPodException e) {
            reasons.add(new Reason(ReasonCode.MALFORMED_POD, e.getMessage()));
        }
        TrafficSettings settings = uninjected != null ? trafficSettings(uninjected) : null;
        if (settings != null) {
            CaptureScope.nothingCaptured(settings)
                    .ifPresent(message -> reasons.add(new Reason(ReasonCode.NO_TRAFFIC_CAPTURED, message)));
        }
        if (uninjected != null) {
            proxyBypass(uninjected).forEach(message -> reasons.add(new Reason(ReasonCode.PROXY_BYPASS, message)));
        }
        if (injected && ContainerStatuses.heldByProxy(pod)) {
            reasons.add(new Reason(ReasonCode.HELD_BY_PROXY, HELD_BY_PROXY));
        }
        Verification iptables = injected ? verify(pod, uninjected, settings, reasons) : Verification.NOT_APPLICABLE;
        return new PodSidecarState(
                metadata.path("namespace").asString(namespace.name()),
                metadata.path("name").asString(null),
                Owners.of(pod),
                injected,
                record.map(InjectionRecord::profile).orElse(null),
                record.map(InjectionRecord::nativeSidecar).orElse(false),
                hashOf(metadata),
                injected ? ContainerStatuses.proxy(pod) : ProxyStatus.ABSENT,
                iptables.status(),
                concat(iptables.missing(), iptables.extra()),
                reasons,
                metadata.path("creationTimestamp").asString(null));
    }

    /**
     * A pod the policy injects has no sidecar: no webhook configuration is installed, the pod existed before
     * injection was enabled, or the API server let it in without calling the webhook (failurePolicy Ignore while
     * the agent did not answer, or no configuration installed then). The namespace's
     * {@link NamespaceInfo#injectionEnabledAt} tells the time apart, when {@code enable} recorded it.
     */
    private Reason whyWithoutSidecar(JsonNode metadata, NamespaceInfo namespace) {
        if (webhook == WebhookPresence.ABSENT) {
            return new Reason(ReasonCode.NO_WEBHOOK_CONFIGURATION, "no webhook configuration is installed, so the API "
                    + "server creates pods without a sidecar: run `kubectl sidecar install`, then restart it");
        }
        // Under failurePolicy Fail an agent that does not answer refuses the pod: only a missing configuration lets it in.
        String skipped = webhook == WebhookPresence.FAIL ? "no webhook configuration was installed"
                : "the agent did not answer under failurePolicy Ignore";
        Instant enabledAt = namespace.injectionEnabledAt();
        Instant created = instant(metadata.path("creationTimestamp").asString(null));
        if (enabledAt == null || created == null || !namespace.labelsKnown()
                || !WebhookSelection.enabled(namespace.labels(), WebhookSelection.revisions(engine.config()))) {
            return new Reason(ReasonCode.CREATED_BEFORE_ENABLED_OR_WEBHOOK_SKIPPED,
                    "created before injection was enabled, or while " + skipped + ": restart it");
        }
        if (created.isBefore(enabledAt)) {
            return new Reason(ReasonCode.CREATED_BEFORE_ENABLED, "created before injection was enabled: restart it");
        }
        return new Reason(ReasonCode.WEBHOOK_SKIPPED, webhook == WebhookPresence.FAIL
                ? "created after injection was enabled, but while no webhook configuration was installed: restart it"
                : "created after injection was enabled, but the API server skipped the webhook "
                        + "(the agent did not answer and failurePolicy is Ignore): restart it");
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private UninjectedPod uninjected(ObjectNode pod) {
        try {
            return engine.uninjected(pod);
        } catch (InvalidAnnotationException | MalformedPodException e) {
            return null;
        }
    }

    /** Its traffic settings; null when its annotations cannot be read (the fresh injection said why). */
    private TrafficSettings trafficSettings(UninjectedPod pod) {
        try {
            return engine.trafficSettings(pod);
        } catch (InvalidAnnotationException | MalformedPodException e) {
            return null;
        }
    }

    private List<String> proxyBypass(UninjectedPod pod) {
        try {
            return engine.proxyBypass(pod);
        } catch (InvalidAnnotationException | MalformedPodException e) {
            return List.of();
        }
    }

    private Verification verify(ObjectNode pod, UninjectedPod uninjected, TrafficSettings settings, List<Reason> reasons) {
        String message = ContainerStatuses.terminationMessage(pod, SidecarParts.INIT_NAME);
        if (message == null || settings == null) {
            return Verification.UNKNOWN;
        }
        try {
            if (!engine.runsOurInit(uninjected)) {
                reasons.add(new Reason(ReasonCode.UNTRUSTED_INIT, UNTRUSTED_INIT));
                return Verification.UNKNOWN;
            }
            return verified.computeIfAbsent(new VerificationInput(settings, message),
                    input -> RuleSetVerifier.verify(input.settings(), input.terminationMessage()));
        } catch (InvalidAnnotationException | MalformedPodException e) {
            return Verification.UNKNOWN;
        }
    }

    private static Optional<InjectionRecord> readRecord(ObjectNode pod, List<Reason> reasons) {
        try {
            return InjectionRecord.read(pod);
        } catch (InvalidAnnotationException e) {
            reasons.add(new Reason(ReasonCode.INVALID_ANNOTATION, e.getMessage()));
            return Optional.empty();
        }
    }

    private static String hashOf(JsonNode metadata) {
        return metadata.path("annotations").path(SidecarRenderer.TEMPLATE_HASH).asString(null);
    }

    private static List<String> concat(List<String> missing, List<String> extra) {
        List<String> out = new ArrayList<>();
        missing.forEach(rule -> out.add("missing: " + rule));
        extra.forEach(rule -> out.add("extra: " + rule));
        return out;
    }
}
