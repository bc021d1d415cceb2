package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.policy.Decision;
import dev.kubectlsidecar.injector.policy.InjectionPolicy;
import dev.kubectlsidecar.injector.policy.IstioCoexistence;
import dev.kubectlsidecar.injector.render.InjectedInit;
import dev.kubectlsidecar.injector.render.InjectionRecord;
import dev.kubectlsidecar.injector.render.IstioPodFields;
import dev.kubectlsidecar.injector.render.LifecycleWarnings;
import dev.kubectlsidecar.injector.render.PodAnnotations;
import dev.kubectlsidecar.injector.render.ProxyBypass;
import dev.kubectlsidecar.injector.render.ProxyOptions;
import dev.kubectlsidecar.injector.render.SidecarParts;
import dev.kubectlsidecar.injector.render.SidecarRenderer;
import dev.kubectlsidecar.injector.render.SidecarTemplate;
import dev.kubectlsidecar.injector.render.WorkloadIdentity;
import dev.kubectlsidecar.injector.traffic.CaptureScope;
import dev.kubectlsidecar.injector.traffic.InitScript;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one injection path: offline {@code inject}, the webhook and {@code status} all come through here. A pod
 * that already carries an injection record is first uninjected (only of what the record lists and injection adds,
 * see {@code RecordCheck}), then decided and rendered afresh, so injecting twice gives the same pod.
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
        return inject(pod, request, null);
    }

    /**
     * @param workload the workload the pod (template) belongs to, as a manifest says it; null to derive it from
     *     the pod as istiod does ({@link WorkloadIdentity#ofPod})
     */
    public PodInjection inject(ObjectNode pod, PodRequest request, WorkloadIdentity workload) {
        return inject(pod, request, workload, () -> uninjected(pod));
    }

    /**
     * {@code inject(pod.pod(), request)} for a pod already uninjected: the same answer, without uninjecting it again.
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     * @throws MalformedPodException when the pod has no usable containers
     */
    public PodInjection inject(UninjectedPod pod, PodRequest request) {
        return inject(pod.pod(), request, null, pod::copy);
    }

    private PodInjection inject(ObjectNode pod, PodRequest request, WorkloadIdentity workload,
                                Supplier<UninjectedPod> uninject) {
        // The policy reads nothing injection adds, so it decides on the pod as it came. Skipped, the pod stays
        // exactly so: an injection record (trusted or not) neither removes nor restores anything.
        Decision decision = InjectionPolicy.decide(pod, request.namespace(), config);
        if (!decision.inject()) {
            return new PodInjection(pod.deepCopy(), decision, null, List.of());
        }
        InjectionRecord existing = InjectionRecord.read(pod).orElse(null);
        if (existing != null && !existing.ours()) {
            // istiod's sidecar only if its record holds up: a forged one is an error naming it, never a skip
            existing.check(pod);
            return new PodInjection(pod.deepCopy(), IstioCoexistence.injectedByIstiod(existing.revision()), null,
                    List.of());
        }
        UninjectedPod uninjected = uninject.get();
        ObjectNode clean = uninjected.clean();
        Map<String, String> annotations = uninjected.annotations();
        ProxyOptions options = uninjected.options();
        MeshSettings mesh = options.profile().mesh();
        Decision otherRevision = IstioCoexistence.otherRevision(clean, mesh);
        if (otherRevision != null) {
            return new PodInjection(pod.deepCopy(), otherRevision, null, List.of());
        }
        SidecarParts parts = render(annotations, options, nativeSidecar(options, request));
        List<String> warnings = new ArrayList<>(options.warnings());
        CaptureScope.nothingCaptured(TrafficSettings.resolve(options.profile().traffic(), annotations))
                .ifPresent(warnings::add);
        ObjectNode injected = SidecarRenderer.injectInto(clean, parts, options.profile().name(),
                config.allowImageOverride(), warnings);
        if (mesh != null) {
            WorkloadIdentity identity = workload != null ? workload : WorkloadIdentity.ofPod(pod);
            if (identity.namespace().isEmpty()) {
                identity = new WorkloadIdentity(identity.apiVersion(), identity.kind(), identity.name(),
                        request.namespace().name());
            }
            warnings.addAll(IstioPodFields.apply(injected, identity, mesh, annotations));
        }
        warnings.addAll(ProxyBypass.of(injected, options.profile().traffic()));
        warnings.addAll(LifecycleWarnings.of(injected, parts.nativeSidecar(), options.lifecycle()));
        return new PodInjection(injected, decision, parts, warnings);
    }

    /**
     * The pod without the sidecar its injection record describes (an uninjected pod: a copy), with its annotations
     * and their proxy options: what {@link #inject(UninjectedPod, PodRequest)}, {@link #trafficSettings},
     * {@link #proxyBypass} and {@link #runsOurInit} start from.
     *
     * @throws InvalidAnnotationException when the record lists what injection does not add, or an annotation the
     *     pod sets cannot be honoured
     */
    public UninjectedPod uninjected(ObjectNode pod) {
        ObjectNode clean = SidecarRenderer.uninject(pod);
        Map<String, String> annotations = Collections.unmodifiableMap(annotations(clean));
        return new UninjectedPod(pod, clean, annotations, PodAnnotations.resolve(annotations, config));
    }

    /**
     * The app containers of an injected pod that run as the proxy's UID or GID, whose traffic therefore bypasses
     * the proxy: one sentence each (see {@link ProxyBypass}).
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     */
    public List<String> proxyBypass(ObjectNode pod) {
        return proxyBypass(uninjected(pod));
    }

    public List<String> proxyBypass(UninjectedPod pod) {
        return ProxyBypass.of(pod.pod(), pod.options().profile().traffic());
    }

    /**
     * The traffic capture this pod gets (or got): its profile's defaults under its own
     * {@code traffic.sidecar.istio.io/*} annotations. The rules the init container applies come from these.
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     */
    public TrafficSettings trafficSettings(ObjectNode pod) {
        return trafficSettings(uninjected(pod));
    }

    public TrafficSettings trafficSettings(UninjectedPod pod) {
        return TrafficSettings.resolve(pod.options().profile().traffic(), pod.annotations());
    }

    /**
     * Whether the pod's {@code istio-init} is the init container this engine renders for it ({@link InjectedInit}),
     * in the list injection puts it in: only then is its termination message evidence of the rules applied.
     *
     * @throws InvalidAnnotationException when an annotation the pod sets cannot be honoured
     */
    public boolean runsOurInit(UninjectedPod pod) {
        ObjectNode ours = renderAsRecorded(pod.pod(), pod.annotations(), pod.options()).initContainer();
        for (JsonNode container : pod.pod().path("spec").path("initContainers")) {
            if (SidecarParts.INIT_NAME.equals(container.path("name").asString(null))) {
                return InjectedInit.matches(container, ours, config.allowImageOverride());
            }
        }
        return false;
    }

    /**
     * A copy of the pod without the sidecar its injection record describes. The pod's own sidecar containers that
     * come back (merged into ours at injection) pass the checks they would meet if the pod were injected now.
     *
     * @throws InvalidAnnotationException when the record lists what injection does not add, or an annotation the
     *     pod sets cannot be honoured
     * @throws MalformedPodException when an own sidecar container that comes back loosens the sidecar
     */
    public ObjectNode uninject(ObjectNode pod) {
        ObjectNode clean = SidecarRenderer.uninject(pod);
        if (SidecarRenderer.hasOwnSidecar(clean)) {
            Map<String, String> annotations = annotations(clean);
            ProxyOptions options = PodAnnotations.resolve(annotations, config);
            SidecarRenderer.injectInto(clean.deepCopy(), renderAsRecorded(pod, annotations, options),
                    options.profile().name(), config.allowImageOverride(), new ArrayList<>());
        }
        return clean;
    }

    private boolean nativeSidecar(ProxyOptions options, PodRequest request) {
        NativeSidecarMode mode = request.nativeSidecarMode() != null ? request.nativeSidecarMode() : config.nativeSidecar();
        return options.nativeSidecar() != null
                ? options.nativeSidecar()
                : mode.resolve(request.kubeVersion());
    }

    /** The parts for an injected pod, as native or not as its record says it was injected. */
    private SidecarParts renderAsRecorded(ObjectNode pod, Map<String, String> annotations, ProxyOptions options) {
        return render(annotations, options, InjectionRecord.read(pod).map(InjectionRecord::nativeSidecar).orElse(false));
    }

    private SidecarParts render(Map<String, String> annotations, ProxyOptions options, boolean nativeSidecar) {
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
