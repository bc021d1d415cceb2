package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.policy.Decision;
import dev.kubectlsidecar.injector.render.SidecarParts;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine's answer for one pod.
 *
 * @param pod the resulting pod: injected, or the input unchanged (a copy) when skipped
 * @param parts what was injected; null when skipped
 * @param warnings annotations that were ignored, in words for a person
 */
public record PodInjection(ObjectNode pod, Decision decision, SidecarParts parts, List<String> warnings) {
    public PodInjection {
        warnings = List.copyOf(warnings);
    }

    public boolean injected() {
        return decision.inject();
    }
}
