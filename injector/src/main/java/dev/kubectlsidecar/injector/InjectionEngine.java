package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.policy.Decision;
import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.render.PodAnnotations;
import dev.kubectlsidecar.injector.render.ProxyBypass;
import dev.kubectlsidecar.injector.render.ProxyOptions;
import dev.kubectlsidecar.injector.render.SidecarParts;
import dev.kubectlsidecar.injector.render.SidecarRenderer;
import dev.kubectlsidecar.injector.render.SidecarTemplate;
import dev.kubectlsidecar.injector.traffic.InitScript;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one injection path: offline {@code inject}, the webhook and {@code status} all come through here. A pod
 * that already carries an injection record is first uninjected, then decided and rendered afresh, so injecting
 * twice gives the same pod.
 */
public final class InjectionEngine {
    private final InjectionConfig config;
    /** Most pods share a handful of renders; rendering (init script, bootstrap, digest) is the engine's main cost. */
    private final RenderCache renders = new RenderCache();

    public InjectionEngine(InjectionConfig config) {
        this.config = config;
    }

    public InjectionConfig config() {
        return config;
    }

    /**
     * @param pod a Pod or pod template (an object with {@code metadata} and {@code spec}); not modified
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     * @throws MalformedPodException when the pod has no usable containers
     */
    public PodInjection inject(ObjectNode pod, PodRequest request) {
        ObjectNode clean = SidecarRenderer.uninject(pod);
        Decision decision = InjectionPolicy.decide(clean, request.namespace(), config);
        if (!decision.inject()) {
            return new PodInjection(clean, decision, null, List.of());
        }
        Map<String, String> annotations = annotations(clean);
        ProxyOptions options = PodAnnotations.resolve(annotations, config);
        SidecarParts parts = render(annotations, options, request);
        List<String> warnings = new ArrayList<>(options.warnings());
        ObjectNode injected = SidecarRenderer.injectInto(clean, parts, options.profile().name(),
                config.allowImageOverride(), warnings);
        warnings.addAll(ProxyBypass.of(injected, options.profile().traffic()));
        return new PodInjection(injected, decision, parts, warnings);
    }

    /**
     * The app containers of an injected pod that run as the proxy's UID or GID, whose traffic therefore bypasses
     * the proxy: one sentence each (see {@link ProxyBypass}).
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     */
    public List<String> proxyBypass(ObjectNode pod) {
        Map<String, String> annotations = annotations(SidecarRenderer.uninject(pod));
        return ProxyBypass.of(pod, PodAnnotations.resolve(annotations, config).profile().traffic());
    }

    /**
     * The traffic capture this pod gets (or got): its profile's defaults under its own
     * {@code traffic.sidecar.istio.io/*} annotations. The rules the init container applies come from these.
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     */
    public TrafficSettings trafficSettings(ObjectNode pod) {
        Map<String, String> annotations = annotations(SidecarRenderer.uninject(pod));
        return TrafficSettings.resolve(PodAnnotations.resolve(annotations, config).profile().traffic(), annotations);
    }

    /** A copy of the pod without the sidecar its injection record describes. */
    public ObjectNode uninject(ObjectNode pod) {
        return SidecarRenderer.uninject(pod);
    }

    private SidecarParts render(Map<String, String> annotations, ProxyOptions options, PodRequest request) {
        NativeSidecarMode mode = request.nativeSidecarMode() != null ? request.nativeSidecarMode() : config.nativeSidecar();
        boolean nativeSidecar = options.nativeSidecar() != null
                ? options.nativeSidecar()
                : mode.resolve(request.serverSupportsNativeSidecars());
        return renders.get(PodAnnotations.renderInputs(annotations), nativeSidecar,
                () -> SidecarTemplate.render(options,
                        InitScript.command(TrafficSettings.resolve(options.profile().traffic(), annotations)),
                        nativeSidecar));
    }

    private static Map<String, String> annotations(JsonNode pod) {
        Map<String, String> out = new LinkedHashMap<>();
        pod.path("metadata").path("annotations").properties()
                .forEach(e -> {
                    if (e.getValue().isContainer()) {
                        String value = e.getValue().toString();
                        throw new InvalidAnnotationException(e.getKey(), value.length() > 80 ? value.substring(0, 77) + "..." : value,
                                "annotation values are strings");
                    }
                    out.put(e.getKey(), e.getValue().asString(""));
                });
        return out;
    }
}
