package dev.kubectlsidecar.agent.webhook;

import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.agent.config.EngineHolder;
import dev.kubectlsidecar.agent.metrics.AgentMetrics.Outcome;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.text.PrintedText;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook itself: an AdmissionReview in, an AdmissionReview out. A pod CREATE goes through the same engine
 * call as offline {@code inject} and the patch is the difference between the pod received and the engine's pod;
 * anything else is allowed untouched. An annotation the engine cannot honour denies the pod with the engine's
 * message. Has no side effects, so {@code dryRun} needs nothing special.
 */
public final class InjectHandler {
    private final EngineHolder engines;
    private final KubeVersion kubeVersion;
    private final AgentMetrics metrics;

    /**
     * @param kubeVersion the API server's version; {@link KubeVersion#UNKNOWN} makes {@code nativeSidecar: auto}
     *     mean no
     */
    public InjectHandler(EngineHolder engines, KubeVersion kubeVersion, AgentMetrics metrics) {
        this.engines = engines;
        this.kubeVersion = kubeVersion;
        this.metrics = metrics;
    }

    /**
     * The AdmissionReview answering {@code body}; {@code startNanos} is when its request arrived, for the latency
     * histogram. Every call is counted, failures too. An answer is never more than {@link #MAX_GROWTH} bytes larger
     * than the review ({@code reviewBytes}): a patch that would be is a denial saying so.
     *
     * @throws BadReviewException when the body is not an AdmissionReview this webhook can answer (HTTP 400)
     */
    public AdmissionResponse review(JsonNode body, long startNanos, long reviewBytes) {
        Outcome outcome = Outcome.ERROR;
        try {
            Answer answer = withinSize(answer(ReviewRequest.parse(body)), reviewBytes);
            outcome = answer.outcome();
            return answer.review();
        } finally {
            metrics.admission(outcome, startNanos);
        }
    }

    /** How much larger than its review an answer may be: a sidecar's patch is ~20 KB, base64 makes it ~27 KB. */
    public static final long MAX_GROWTH = 256 * 1024;

    private record Answer(AdmissionResponse review, Outcome outcome) {
    }

    private static Answer withinSize(Answer answer, long reviewBytes) {
        long bytes = answer.review().jsonBytes();
        if (bytes <= reviewBytes + MAX_GROWTH) {
            return answer;
        }
        return new Answer(AdmissionResponse.denied(answer.review().uid(), 400, "the injected pod's patch would make "
                + "an answer of " + bytes + " bytes, more than the review's " + reviewBytes + " bytes + "
                + MAX_GROWTH + " the agent answers with at most; the pod's own values are copied too often (check "
                + "its probes, ports and annotations)"), Outcome.DENIED);
    }

    private Answer answer(ReviewRequest request) {
        if (!request.isPodCreate()) {
            return new Answer(AdmissionResponse.allowed(request.uid(), Json.array(), List.of()), Outcome.SKIPPED);
        }
        ObjectNode pod = request.pod();
        InjectionEngine engine = engines.engine();
        PodInjection result;
        try {
            result = engine.inject(pod, new PodRequest(NamespaceInfo.unlabelled(request.namespace()),
                    null, kubeVersion));
        } catch (InvalidAnnotationException | MalformedPodException e) {
            // Escaped: kubectl prints the message, and the ReplicaSet's events carry it to whoever describes them.
            return new Answer(AdmissionResponse.denied(request.uid(), 400, PrintedText.escape(e.getMessage())),
                    Outcome.DENIED);
        }
        ArrayNode patch = JsonPatches.diff(pod, result.pod());
        return new Answer(AdmissionResponse.allowed(request.uid(), patch,
                result.warnings().stream().map(PrintedText::escape).toList()),
                result.injected() ? Outcome.INJECTED : Outcome.SKIPPED);
    }
}
