package dev.kubectlsidecar.testkit.kubelet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashMap;

/**
 * The network namespace of each started pod ({@code NAMESPACE/NAME}), kept for as long as the pod exists, as a pod
 * sandbox keeps its network: a re-run of its init container finds the rules the first run left.
 */
final class PodSandboxes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PodSandboxes.class.getName());

    private final Map<String, String> networks = new HashMap<>();

    /** The pod's network namespace, created on first use. */
    synchronized String network(String pod) throws IOException {
        String existing = networks.get(pod);
        if (existing != null) {
            return existing;
        }
        String created = NetnsRunner.create();
        networks.put(pod, created);
        return created;
    }

    /** Replaces the pod's network namespace with a fresh one (a sandbox re-created without its network). */
    synchronized String renew(String pod) throws IOException {
        release(pod);
        return network(pod);
    }

    synchronized Optional<String> existing(String pod) {
        return Optional.ofNullable(networks.get(pod));
    }

    /** Releases the sandboxes of the pods ("ns/name") of {@code namespaces} (null: all) that are not in {@code pods}. */
    synchronized void retainOnly(Set<String> namespaces, Set<String> pods) {
        for (String pod : Set.copyOf(networks.keySet())) {
            boolean inScope = namespaces == null || namespaces.contains(pod.substring(0, pod.indexOf('/')));
            if (inScope && !pods.contains(pod)) {
                release(pod);
            }
        }
    }

    private void release(String pod) {
        String network = networks.remove(pod);
        if (network == null) {
            return;
        }
        try {
            NetnsRunner.delete(network);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete the network namespace of pod " + pod + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        retainOnly(null, Set.of());
    }
}
