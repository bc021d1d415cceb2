package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.Profile;
import dev.kubectlsidecar.injector.config.ProxyLifecycle;
import dev.kubectlsidecar.injector.config.Quantity;
import dev.kubectlsidecar.injector.config.Resources;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.traffic.TrafficAnnotations;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Resolves the proxy's settings from the pod's annotations over the config, through one table of honoured keys
 * instead of one hand-written accessor per annotation. A bad value is an {@link InvalidAnnotationException}
 * naming the key; an annotation we do not honour is a warning, never silently obeyed. What only the config may
 * give (an image, a capability, root, a volume, the proxy's own configuration) is never taken from an annotation:
 * see {@link GuardedAnnotations}.
 */
public final class PodAnnotations {
    public static final String PROFILE = "kubectl-sidecar/profile";
    public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
    public static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";
    private static final String CPU = "sidecar.istio.io/proxyCPU";
    private static final String MEMORY = "sidecar.istio.io/proxyMemory";
    private static final String CPU_LIMIT = "sidecar.istio.io/proxyCPULimit";
    private static final String MEMORY_LIMIT = "sidecar.istio.io/proxyMemoryLimit";

    private record Setting(String key, BiConsumer<Builder, String> apply) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting(CPU, (b, v) -> b.request("cpu", CPU, v)),
            new Setting(MEMORY, (b, v) -> b.request("memory", MEMORY, v)),
            new Setting(CPU_LIMIT, (b, v) -> b.limit("cpu", CPU_LIMIT, v)),
            new Setting(MEMORY_LIMIT, (b, v) -> b.limit("memory", MEMORY_LIMIT, v)),
            new Setting(NATIVE_SIDECAR, Builder::nativeSidecar),
            new Setting(PROXY_IMAGE, Builder::image),
            new Setting(ProxyConfigAnnotation.KEY, Builder::proxyConfig),
            new Setting(GuardedAnnotations.INTERCEPTION_MODE,
                    (b, v) -> GuardedAnnotations.interceptionMode(v, b.profile)),
            new Setting(GuardedAnnotations.CAP_NET_BIND_SERVICE,
                    (b, v) -> GuardedAnnotations.neverGranted(GuardedAnnotations.CAP_NET_BIND_SERVICE, v)),
            new Setting(GuardedAnnotations.ENABLE_CORE_DUMP,
                    (b, v) -> GuardedAnnotations.neverGranted(GuardedAnnotations.ENABLE_CORE_DUMP, v)));

    /** Keys that are read elsewhere (policy, the injection record, uninject) and so are not "ignored". */
    private static final Set<String> READ_ELSEWHERE = Set.of("sidecar.istio.io/inject", InjectionRecord.ANNOTATION,
            SidecarRenderer.OVERRIDES, SidecarRenderer.TEMPLATE_HASH, AppProbes.REWRITE_ANNOTATION);

    /** Where Istio's injector (and we) read pod annotations: a key here that we do not honour is reported. */
    private static final List<String> INJECTION_PREFIXES = List.of("sidecar.istio.io/", "traffic.sidecar.istio.io/",
            "proxy.istio.io/", "inject.istio.io/", "status.sidecar.istio.io/", "readiness.status.sidecar.istio.io/",
            "kubectl-sidecar/");

    private PodAnnotations() {
    }

    public static ProxyOptions resolve(Map<String, String> annotations, InjectionConfig config) {
        Profile profile = profile(annotations.get(PROFILE), config);
        Builder builder = new Builder(profile, config.allowImageOverride(), config.proxyLifecycle());
        for (Setting setting : SETTINGS) {
            String value = annotations.get(setting.key());
            if (value != null) {
                setting.apply().accept(builder, value);
            }
        }
        annotations.keySet().stream()
                .filter(PodAnnotations::isInjectionKey)
                .filter(key -> !isHonoured(key))
                .sorted()
                .forEach(key -> builder.warnings.add(GuardedAnnotations.ignored(key)));
        return builder.build();
    }

    /**
     * The annotations a render reads: this class's (under Istio's injection prefixes) and the traffic settings'.
     * Pods that agree on these get the same sidecar under one config, whatever else they are annotated with.
     */
    public static Map<String, String> renderInputs(Map<String, String> annotations) {
        Map<String, String> inputs = new HashMap<>();
        for (Map.Entry<String, String> annotation : annotations.entrySet()) {
            if (isInjectionKey(annotation.getKey()) || TrafficAnnotations.ALL.contains(annotation.getKey())) {
                inputs.put(annotation.getKey(), annotation.getValue());
            }
        }
        return inputs;
    }

    private static boolean isInjectionKey(String key) {
        return INJECTION_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private static boolean isHonoured(String key) {
        return key.equals(PROFILE) || READ_ELSEWHERE.contains(key) || TrafficAnnotations.ALL.contains(key)
                || SETTINGS.stream().anyMatch(setting -> setting.key().equals(key));
    }

    private static Profile profile(String name, InjectionConfig config) {
        if (name == null) {
            return config.profile(config.defaultProfile());
        }
        return config.findProfile(name).orElseThrow(() -> new InvalidAnnotationException(PROFILE, name,
                "must name a configured profile: " + String.join(", ", config.profiles().keySet().stream().sorted().toList())));
    }

    private static final class Builder {
        private final Profile profile;
        private final boolean allowImageOverride;
        private final Map<String, String> requests;
        private final Map<String, String> limits;
        /** Which annotation set a request or limit, by resource; absent when it is the profile's. */
        private final Map<String, String> requestKeys = new LinkedHashMap<>();
        private final Map<String, String> limitKeys = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private String image;
        private Boolean nativeSidecar;
        private ProxyLifecycle lifecycle;
        private Integer concurrency;
        private final java.util.Set<String> lifecycleFromPod = new java.util.TreeSet<>();

        Builder(Profile profile, boolean allowImageOverride, ProxyLifecycle lifecycle) {
            this.profile = profile;
            this.allowImageOverride = allowImageOverride;
            this.lifecycle = lifecycle;
            this.requests = new LinkedHashMap<>(profile.proxyResources().requests());
            this.limits = new LinkedHashMap<>(profile.proxyResources().limits());
            this.image = profile.proxyImage();
        }

        void request(String resource, String key, String value) {
            requests.put(resource, quantity(key, value));
            requestKeys.put(resource, key);
        }

        void limit(String resource, String key, String value) {
            limits.put(resource, quantity(key, value));
            limitKeys.put(resource, key);
        }

        void nativeSidecar(String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new InvalidAnnotationException(NATIVE_SIDECAR, value, "must be true or false");
            }
            nativeSidecar = Boolean.valueOf(value);
        }

        void proxyConfig(String value) {
            ProxyConfigAnnotation parsed = ProxyConfigAnnotation.parse(value);
            if (parsed.hold() != null) {
                lifecycle = lifecycle.withHold(parsed.hold());
                lifecycleFromPod.add(ProxyConfigAnnotation.HOLD);
            }
            if (parsed.drainSeconds() != null) {
                lifecycle = lifecycle.withDrainSeconds(parsed.drainSeconds());
                lifecycleFromPod.add(ProxyConfigAnnotation.DRAIN);
            }
            if (parsed.concurrency() != null) {
                concurrency = parsed.concurrency();
                lifecycleFromPod.add(ProxyConfigAnnotation.CONCURRENCY);
            }
            warnings.addAll(parsed.warnings());
        }

        /** The proxy's CPU limit in whole cores, rounded up, at least 1 and at most the config's cap. */
        private int derivedConcurrency() {
            String cpu = limits.get("cpu");
            if (cpu == null) {
                return lifecycle.maxConcurrency();
            }
            BigDecimal cores = Quantity.amount(cpu).setScale(0, RoundingMode.CEILING);
            return Math.max(1, cores.min(BigDecimal.valueOf(lifecycle.maxConcurrency())).intValue());
        }

        void image(String value) {
            if (!allowImageOverride) {
                warnings.add("annotation " + PROXY_IMAGE + " was ignored: the injection config does not allow "
                        + "image overrides (allowImageOverride: false)");
                return;
            }
            if (value.isBlank() || value.length() > 512 || value.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidAnnotationException(PROXY_IMAGE, value, "must be an image reference");
            }
            image = value;
        }

        private static String quantity(String key, String value) {
            if (!Quantity.isValid(value)) {
                throw new InvalidAnnotationException(key, value, "must be " + Quantity.ALLOWED);
            }
            return value;
        }

        /** A request above its limit is refused here, naming the annotation, rather than by the API server. */
        private void checkRequestsWithinLimits() {
            for (String resource : requests.keySet()) {
                String request = requests.get(resource);
                String limit = limits.get(resource);
                if (limit == null || Quantity.amount(request).compareTo(Quantity.amount(limit)) <= 0) {
                    continue;
                }
                if (requestKeys.containsKey(resource)) {
                    throw new InvalidAnnotationException(requestKeys.get(resource), request,
                            "must not exceed the proxy's " + resource + " limit " + limit);
                }
                if (limitKeys.containsKey(resource)) {
                    throw new InvalidAnnotationException(limitKeys.get(resource), limit,
                            "must not be below the proxy's " + resource + " request " + request);
                }
            }
        }

        ProxyOptions build() {
            checkRequestsWithinLimits();
            return new ProxyOptions(profile, image, new Resources(requests, limits), nativeSidecar, lifecycle,
                    concurrency != null ? concurrency : derivedConcurrency(), lifecycleFromPod, warnings);
        }
    }
}
