package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.Profile;
import dev.kubectlsidecar.injector.config.Resources;
import java.util.List;

/**
 * The proxy as this pod gets it: the profile, then what the pod's {@code sidecar.istio.io/*} annotations changed,
 * and the warnings about annotations that were ignored.
 *
 * @param nativeSidecar the pod's own choice, or null when it made none
 */
public record ProxyOptions(Profile profile, String proxyImage, Resources proxyResources, Boolean nativeSidecar,
                           List<String> warnings) {
    public ProxyOptions {
        warnings = List.copyOf(warnings);
    }
}
