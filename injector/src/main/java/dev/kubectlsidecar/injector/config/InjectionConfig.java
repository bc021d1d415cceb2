package dev.kubectlsidecar.injector.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole injection configuration: the policy default, the profiles, how the proxy starts and stops, and what
 * annotations may override.
 * Built by {@link ConfigLoader}, from the embedded default or a file/ConfigMap; immutable once built.
 */
public record InjectionConfig(
        InjectionPolicyDefault policy,
        String defaultProfile,
        NativeSidecarMode nativeSidecar,
        boolean allowImageOverride,
        ProxyLifecycle proxyLifecycle,
        List<String> ignoredNamespaces,
        Map<String, Profile> profiles) {

    /** Namespaces Istio never injects, whatever the config says. */
    public static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease");

    public InjectionConfig {
        ignoredNamespaces = List.copyOf(ignoredNamespaces);
        profiles = Map.copyOf(profiles);
    }

    public Profile profile(String name) {
        return profiles.get(name);
    }

    public Optional<Profile> findProfile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    public boolean isIgnoredNamespace(String namespace) {
        return namespace != null && (SYSTEM_NAMESPACES.contains(namespace) || ignoredNamespaces.contains(namespace));
    }

    /** The same config with one more ignored namespace (the agent adds its own). */
    public InjectionConfig ignoring(String namespace) {
        if (namespace == null || ignoredNamespaces.contains(namespace)) {
            return this;
        }
        List<String> more = new java.util.ArrayList<>(ignoredNamespaces);
        more.add(namespace);
        return new InjectionConfig(policy, defaultProfile, nativeSidecar, allowImageOverride, proxyLifecycle, more,
                profiles);
    }
}
