package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.GenericKinds;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The agent's TLS material in the Secret {@code kubectl-sidecar-agent-tls} of its namespace. Writes are
 * optimistic: {@link #replace} only succeeds on the version that was read, and {@link #loadOrCreate} tolerates
 * another replica creating the Secret first.
 */
public final class CertificateStore {

    /**
     * The Secret as read: its material, or null with the {@code problem} that made it unusable (it is then replaced),
     * and the {@code resourceVersion} a replacement must match.
     */
    public record Stored(TlsMaterial material, String problem, String resourceVersion) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public CertificateStore(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    public String description() {
        return "Secret " + namespace + "/" + name;
    }

    public Optional<Stored> load() {
        GenericKubernetesResource secret = secrets().withName(name).get();
        return secret == null ? Optional.empty() : Optional.of(read(secret));
    }

    /** The stored material, or {@code fresh}'s, written if no Secret exists; a lost creation race re-reads. */
    public Stored loadOrCreate(Supplier<TlsMaterial> fresh) {
        Optional<Stored> existing = load();
        if (existing.isPresent()) {
            return existing.get();
        }
        TlsMaterial material = fresh.get();
        try {
            GenericKubernetesResource created = secrets().resource(TlsSecret.encode(namespace, name, material)).create();
            return new Stored(material, null, created.getMetadata().getResourceVersion());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            return load().orElseThrow(() -> new IllegalStateException(description() + " was created concurrently, then vanished"));
        }
    }

    /**
     * Writes {@code updated} over {@code previous}; fails with a 409 {@link KubernetesClientException} when the Secret
     * changed since {@code previous} was read (another writer: re-read and decide again).
     */
    public Stored replace(Stored previous, TlsMaterial updated) {
        GenericKubernetesResource secret = TlsSecret.encode(namespace, name, updated);
        secret.getMetadata().setResourceVersion(previous.resourceVersion());
        GenericKubernetesResource written = secrets().resource(secret).update();
        return new Stored(updated, null, written.getMetadata().getResourceVersion());
    }

    static Stored read(GenericKubernetesResource secret) {
        String version = secret.getMetadata().getResourceVersion();
        try {
            return new Stored(TlsSecret.decode(secret), null, version);
        } catch (IllegalArgumentException e) {
            return new Stored(null, e.getMessage(), version);
        }
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> secrets() {
        return client.genericKubernetesResources(GenericKinds.SECRETS).inNamespace(namespace);
    }
}
