package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.ProxyLifecycle;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What an injected pod's spec says about the proxy's life that its author should know: a run-to-completion pod
 * (Job, CronJob, bare pod with {@code restartPolicy} Never or OnFailure) whose classic sidecar never exits, and a
 * {@code terminationGracePeriodSeconds} that leaves the stopping proxy no time to drain.
 */
public final class LifecycleWarnings {
    public static final String CLASSIC_SIDECAR_IN_JOB = "the proxy keeps this pod running after its job ends: use native "
            + "sidecars (Kubernetes ≥ 1.29) or POST 127.0.0.1:15000/quitquitquit when done";
    /** The API server's default. */
    private static final long DEFAULT_GRACE_SECONDS = 30;

    private LifecycleWarnings() {
    }

    public static List<String> of(JsonNode pod, boolean nativeSidecar, ProxyLifecycle lifecycle) {
        List<String> warnings = new ArrayList<>();
        JsonNode spec = pod.path("spec");
        String restartPolicy = spec.path("restartPolicy").asString("Always");
        if (!nativeSidecar && (restartPolicy.equals("Never") || restartPolicy.equals("OnFailure"))) {
            warnings.add(CLASSIC_SIDECAR_IN_JOB);
        }
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        long graceSeconds = grace != null && grace.canConvertToLong() ? grace.longValue() : DEFAULT_GRACE_SECONDS;
        int drain = lifecycle.terminationDrainSeconds();
        if (graceSeconds <= drain) {
            warnings.add("terminationGracePeriodSeconds " + graceSeconds + " leaves the proxy no time to drain for "
                    + drain + " s (terminationDrainDuration): set it above " + drain + ", or shorten the drain with "
                    + ProxyConfigAnnotation.KEY);
        }
        return warnings;
    }
}
