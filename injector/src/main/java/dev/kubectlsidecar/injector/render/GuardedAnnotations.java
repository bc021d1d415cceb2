package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.config.Profile;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import java.util.Map;

/**
 * Istio annotations that ask for what only the injection config may give. Istio obeys them; here a request for
 * privilege is refused (the pod cannot get what it asks for, so it must not start believing it has it), and a
 * choice of what runs in the sidecar is ignored with a warning (the pod works with the config's choice):
 *
 * <table>
 *   <caption>what Istio does and what we do</caption>
 *   <tr><th>annotation</th><th>Istio</th><th>here</th></tr>
 *   <tr><td>{@code sidecar.istio.io/interceptionMode: TPROXY}</td><td>proxy as root with NET_ADMIN</td>
 *       <td>refused unless it is the profile's own mode</td></tr>
 *   <tr><td>{@code sidecar.istio.io/capNetBindService: "true"}</td><td>proxy as root with NET_BIND_SERVICE</td>
 *       <td>refused ({@code "false"} is accepted)</td></tr>
 *   <tr><td>{@code sidecar.istio.io/enableCoreDump: "true"}</td><td>a privileged init container</td>
 *       <td>refused ({@code "false"} is accepted)</td></tr>
 *   <tr><td>{@code sidecar.istio.io/proxyImageType}</td><td>picks an image variant</td><td>ignored, warned</td></tr>
 *   <tr><td>{@code sidecar.istio.io/userVolume}, {@code userVolumeMount}</td><td>any volume (hostPath too)
 *       mounted into the proxy</td><td>ignored, warned</td></tr>
 *   <tr><td>{@code sidecar.istio.io/bootstrapOverride}</td><td>the proxy's bootstrap from a ConfigMap</td>
 *       <td>ignored, warned</td></tr>
 *   <tr><td>{@code proxy.istio.io/config}</td><td>ProxyConfig overrides</td><td>only the start/stop subset
 *       ({@link ProxyConfigAnnotation}); other fields ignored, warned</td></tr>
 *   <tr><td>{@code inject.istio.io/templates}</td><td>picks the injection templates</td><td>ignored, warned</td></tr>
 * </table>
 *
 * {@code sidecar.istio.io/proxyImage} is ignored with a warning unless the config sets {@code allowImageOverride}
 * ({@link PodAnnotations}); any other unknown injection annotation is reported as not supported.
 */
final class GuardedAnnotations {
    static final String INTERCEPTION_MODE = "sidecar.istio.io/interceptionMode";
    static final String CAP_NET_BIND_SERVICE = "sidecar.istio.io/capNetBindService";
    static final String ENABLE_CORE_DUMP = "sidecar.istio.io/enableCoreDump";

    private static final Map<String, String> GRANTS = Map.of(
            CAP_NET_BIND_SERVICE, "the capability NET_BIND_SERVICE (and root)",
            ENABLE_CORE_DUMP, "a privileged init container");

    private static final Map<String, String> IGNORED_BECAUSE = Map.of(
            "sidecar.istio.io/proxyImageType", "the proxy's image comes from the injection config",
            "sidecar.istio.io/userVolume", "volumes are never added to the sidecar from annotations",
            "sidecar.istio.io/userVolumeMount", "volumes are never mounted into the sidecar from annotations",
            "sidecar.istio.io/bootstrapOverride", "the proxy's bootstrap comes from the injection config",
            "sidecar.istio.io/adminTransport", "the proxy's admin API stays on 127.0.0.1:15000, as in Istio's injection "
                    + "template (a Unix socket for it is a proposal there, istio#61864)",
            "inject.istio.io/templates",
            "what is injected is the config's profile (a pod chooses one with " + PodAnnotations.PROFILE + ")");

    private GuardedAnnotations() {
    }

    /** Accepted only when it names the profile's own mode, which changes nothing. */
    static void interceptionMode(String value, Profile profile) {
        String mode = profile.traffic().interceptionMode();
        if (!mode.equals(value)) {
            throw new InvalidAnnotationException(INTERCEPTION_MODE, value, "must be " + mode + ", the mode of profile "
                    + profile.name() + ": the injection config chooses the interception mode (TPROXY would run the "
                    + "proxy as root with NET_ADMIN, which an annotation never grants)");
        }
    }

    /** Accepted only as {@code "false"}: an annotation never grants what {@link #GRANTS} names. */
    static void neverGranted(String key, String value) {
        if (!value.equals("false")) {
            throw new InvalidAnnotationException(key, value,
                    "must be false: an annotation never grants the sidecar " + GRANTS.get(key));
        }
    }

    /** The warning for an injection annotation that is not honoured. */
    static String ignored(String key) {
        String because = IGNORED_BECAUSE.get(key);
        return because == null ? "annotation " + key + " is not supported and was ignored"
                : "annotation " + key + " was ignored: " + because;
    }
}
