package dev.kubectlsidecar.agent;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The kinds the agent reads and writes through the fabric8 client, as generic resources (maps under a typed
 * {@code metadata}), spelled out: the agent jar registers no fabric8 model type to look them up by, and a typed
 * Secret, ConfigMap or webhook configuration would load and introspect dozens of model classes for a few fields.
 */
public final class GenericKinds {
    public static final ResourceDefinitionContext PODS = core("Pod", "pods", true);
    public static final ResourceDefinitionContext NAMESPACES = core("Namespace", "namespaces", false);
    public static final ResourceDefinitionContext SECRETS = core("Secret", "secrets", true);
    public static final ResourceDefinitionContext CONFIG_MAPS = core("ConfigMap", "configmaps", true);
    public static final ResourceDefinitionContext MUTATING_WEBHOOK_CONFIGURATIONS = new ResourceDefinitionContext.Builder()
            .withGroup("admissionregistration.k8s.io").withVersion("v1").withKind("MutatingWebhookConfiguration")
            .withPlural("mutatingwebhookconfigurations").withNamespaced(false).build();

    private GenericKinds() {
    }

    private static ResourceDefinitionContext core(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup("").withVersion("v1").withKind(kind).withPlural(plural)
                .withNamespaced(namespaced).build();
    }
}
