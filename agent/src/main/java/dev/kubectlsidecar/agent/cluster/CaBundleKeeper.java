package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.GenericKinds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Keeps {@code webhooks[*].clientConfig.caBundle} of the agent's MutatingWebhookConfiguration equal to the CA bundle
 * it is given, and puts it back when something else resets it (a GitOps tool re-applying the manifests wipes it).
 * Run by the leader only. Patches with a JSON Patch that first tests each webhook's name, so a concurrent change to
 * the list fails the patch instead of writing into the wrong webhook; the next watch event retries.
 *
 * <p>{@link #heldSince} tells the rotation how long the API servers have had the bundle.
 */
public final class CaBundleKeeper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CaBundleKeeper.class.getName());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Resource<GenericKubernetesResource> resource;
    private final String description;
    private final Clock clock;
    private final NamedObjectWatch<GenericKubernetesResource> watch;
    private byte[] desired;
    private Instant heldSince;
    private boolean warnedAbsent;
    private String patchedVersion;
    private byte[] patchedBundle;

    public CaBundleKeeper(KubernetesClient client, String configurationName, Clock clock) {
        this.resource = client.genericKubernetesResources(GenericKinds.MUTATING_WEBHOOK_CONFIGURATIONS).withName(configurationName);
        this.description = "MutatingWebhookConfiguration " + configurationName;
        this.clock = clock;
        this.watch = new NamedObjectWatch<>(resource, configurationName, description, this::observed);
    }

    public void start() {
        watch.start();
    }

    /**
     * Makes {@code bundlePem} the bundle to keep and checks the cached configuration now, patching it if it differs
     * (so calling this again also retries a patch that failed).
     */
    public void keep(String bundlePem) {
        byte[] bundle = bundlePem.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (desired == null || !Arrays.equals(desired, bundle)) {
                desired = bundle;
                heldSince = null;
            }
        }
        watch.refresh().join();
    }

    /** Since when the configuration has held {@code bundlePem} in every webhook, as far as this keeper saw; else empty. */
    public synchronized Optional<Instant> heldSince(String bundlePem) {
        if (desired == null || !Arrays.equals(desired, bundlePem.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.ofNullable(heldSince);
    }

    private void observed(Optional<GenericKubernetesResource> configuration) {
        byte[] bundle;
        synchronized (this) {
            bundle = desired;
        }
        if (bundle == null) {
            return;
        }
        if (configuration.isEmpty()) {
            if (!warnedAbsent) {
                LOG.warning(description + " does not exist; its caBundle will be set when it appears");
                warnedAbsent = true;
            }
            markHeld(bundle, false);
            return;
        }
        warnedAbsent = false;
        List<?> webhooks = configuration.get().getAdditionalProperties().get("webhooks") instanceof List<?> list ? list : List.of();
        if (webhooks.stream().allMatch(webhook -> holds(webhook, bundle))) {
            markHeld(bundle, true);
            return;
        }
        markHeld(bundle, false);
        String version = configuration.get().getMetadata().getResourceVersion();
        if (Arrays.equals(bundle, patchedBundle) && version != null && version.equals(patchedVersion)) {
            return; // already patched this version; the watch has not delivered the result yet
        }
        try {
            resource.patch(PatchContext.of(PatchType.JSON), patch(webhooks, bundle));
            patchedVersion = version;
            patchedBundle = bundle;
            LOG.info("set the caBundle of " + webhooks.size() + " webhook(s) in " + description);
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "patching the caBundle of " + description + " failed (" + e.getCode() + " "
                    + e.getMessage() + "); retrying on the next change");
        }
    }

    private synchronized void markHeld(byte[] bundle, boolean held) {
        if (!Arrays.equals(bundle, desired)) {
            return; // a newer bundle arrived meanwhile
        }
        if (!held) {
            heldSince = null;
        } else if (heldSince == null) {
            heldSince = clock.instant();
        }
    }

    private static boolean holds(Object webhook, byte[] bundle) {
        if (!(field(webhook, "clientConfig", "caBundle") instanceof String current)) {
            return false;
        }
        try {
            return Arrays.equals(Base64.getDecoder().decode(current), bundle);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** The value at {@code path} in a webhook of the generic configuration: maps within maps; null when absent. */
    private static Object field(Object webhook, String... path) {
        Object value = webhook;
        for (String key : path) {
            value = value instanceof Map<?, ?> map ? map.get(key) : null;
        }
        return value;
    }

    private static String patch(List<?> webhooks, byte[] bundle) {
        String encoded = Base64.getEncoder().encodeToString(bundle);
        ArrayNode operations = NODES.arrayNode();
        for (int i = 0; i < webhooks.size(); i++) {
            operations.addObject().put("op", "test").put("path", "/webhooks/" + i + "/name")
                    .put("value", field(webhooks.get(i), "name") instanceof String name ? name : null);
            operations.addObject().put("op", "add").put("path", "/webhooks/" + i + "/clientConfig/caBundle").put("value", encoded);
        }
        return operations.toString();
    }

    @Override
    public void close() {
        watch.close();
    }
}
