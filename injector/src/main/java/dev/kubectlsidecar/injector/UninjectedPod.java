package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.render.ProxyOptions;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pod and a copy of it without the sidecar its injection record describes (the record checked first), with the
 * copy's annotations and the proxy options they resolve to: where injection, and each question {@code status} asks
 * of an injected pod, start. {@code status} asks several per pod, so it uninjects the pod once
 * ({@link InjectionEngine#uninjected}) and hands this to each. Never changed: injection renders into a copy.
 */
public final class UninjectedPod {
    private final ObjectNode pod;
    private final ObjectNode clean;
    private final Map<String, String> annotations;
    private final ProxyOptions options;

    UninjectedPod(ObjectNode pod, ObjectNode clean, Map<String, String> annotations, ProxyOptions options) {
        this.pod = pod;
        this.clean = clean;
        this.annotations = annotations;
        this.options = options;
    }

    /** The pod as it came. */
    ObjectNode pod() {
        return pod;
    }

    /** The copy without the sidecar: read it, never change it. */
    ObjectNode clean() {
        return clean;
    }

    Map<String, String> annotations() {
        return annotations;
    }

    ProxyOptions options() {
        return options;
    }

    /** The same with a copy of {@link #clean} of its own, for injection to render into. */
    UninjectedPod copy() {
        return new UninjectedPod(pod, clean.deepCopy(), annotations, options);
    }
}
