package dev.kubectlsidecar.agent.pods;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Consumer;

/**
 * Lists pods the way large clusters need: {@code limit} pods a request, following the continue token to the last
 * page, so that only one page of Pod objects is in memory at a time. A continue token the API server has expired
 * (410) fails the whole list; the caller starts over.
 */
final class PodPages {
    private PodPages() {
    }

    /**
     * Hands every pod of {@code namespace} (all namespaces when null) to {@code each}, page by page.
     *
     * @return the list's resourceVersion, to watch from
     */
    static String forEach(KubernetesClient client, String namespace, long limit, Consumer<Pod> each) {
        String next = null;
        String resourceVersion;
        do {
            var pods = namespace == null ? client.pods().inAnyNamespace() : client.pods().inNamespace(namespace);
            PodList page = pods.list(new ListOptionsBuilder().withLimit(limit).withContinue(next).build());
            page.getItems().forEach(each);
            ListMeta meta = page.getMetadata();
            next = meta == null ? null : meta.getContinue();
            resourceVersion = meta == null ? null : meta.getResourceVersion();
        } while (next != null && !next.isEmpty());
        return resourceVersion;
    }
}
