package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.InvalidAnnotationException;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.Profile;
import dev.kubectlsidecar.injector.config.Quantity;
import dev.kubectlsidecar.injector.config.Resources;
import dev.kubectlsidecar.injector.traffic.TrafficAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Resolves the proxy's settings from the pod's annotations over the config, through one table of honoured keys
 * instead of one hand-written accessor per annotation. A bad value is an {@link InvalidAnnotationException}
 * naming the key; an annotation we do not honour is a warning, never silently obeyed.
 */
public final class PodAnnotations {
    public static final String PROFILE = "kubectl-sidecar/profile";
    public static final String PROXY_IMAGE = "sidecar.istio.io/proxyImage";
    public static final String NATIVE_SIDECAR = "sidecar.istio.io/nativeSidecar";

    private record Setting(String key, BiConsumer<Builder, String> apply) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("sidecar.istio.io/proxyCPU", (b, v) -> b.request("cpu", "sidecar.istio.io/proxyCPU", v)),
            new Setting("sidecar.istio.io/proxyMemory", (b, v) -> b.request("memory", "sidecar.istio.io/proxyMemory", v)),
            new Setting("sidecar.istio.io/proxyCPULimit", (b, v) -> b.limit("cpu", "sidecar.istio.io/proxyCPULimit", v)),
            new Setting("sidecar.istio.io/proxyMemoryLimit",
                    (b, v) -> b.limit("memory", "sidecar.istio.io/proxyMemoryLimit", v)),
            new Setting(NATIVE_SIDECAR, Builder::nativeSidecar),
            new Setting(PROXY_IMAGE, Builder::image));

    /** Keys that are read elsewhere (policy, the injection record) and so are not "ignored". */
    private static final Set<String> READ_ELSEWHERE = Set.of("sidecar.istio.io/inject", "sidecar.istio.io/status");

    private PodAnnotations() {
    }

    public static ProxyOptions resolve(Map<String, String> annotations, InjectionConfig config) {
        Profile profile = profile(annotations.get(PROFILE), config);
        Builder builder = new Builder(profile, config.allowImageOverride());
        for (Setting setting : SETTINGS) {
            String value = annotations.get(setting.key());
            if (value != null) {
                setting.apply().accept(builder, value);
            }
        }
        annotations.keySet().stream()
                .filter(PodAnnotations::isOurNamespace)
                .filter(key -> !isHonoured(key))
                .sorted()
                .forEach(key -> builder.warnings.add("annotation " + key + " is not supported and was ignored"));
        return builder.build();
    }

    private static boolean isOurNamespace(String key) {
        return key.startsWith("sidecar.istio.io/") || key.startsWith("traffic.sidecar.istio.io/");
    }

    private static boolean isHonoured(String key) {
        return READ_ELSEWHERE.contains(key) || TrafficAnnotations.ALL.contains(key)
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
        private final List<String> warnings = new ArrayList<>();
        private String image;
        private Boolean nativeSidecar;

        Builder(Profile profile, boolean allowImageOverride) {
            this.profile = profile;
            this.allowImageOverride = allowImageOverride;
            this.requests = new LinkedHashMap<>(profile.proxyResources().requests());
            this.limits = new LinkedHashMap<>(profile.proxyResources().limits());
            this.image = profile.proxyImage();
        }

        void request(String resource, String key, String value) {
            requests.put(resource, quantity(key, value));
        }

        void limit(String resource, String key, String value) {
            limits.put(resource, quantity(key, value));
        }

        void nativeSidecar(String value) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new InvalidAnnotationException(NATIVE_SIDECAR, value, "must be true or false");
            }
            nativeSidecar = Boolean.valueOf(value);
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

        ProxyOptions build() {
            return new ProxyOptions(profile, image, new Resources(requests, limits), nativeSidecar, warnings);
        }
    }
}
