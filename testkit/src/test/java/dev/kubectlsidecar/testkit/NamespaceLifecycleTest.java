package dev.kubectlsidecar.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the API server does with namespaces that the mock alone does not. */
class NamespaceLifecycleTest {
    private static LocalCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = LocalCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void nothingIsCreatedInANamespaceThatDoesNotExist() {
        assertThatThrownBy(() -> client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod("nowhere", "web"))).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("namespaces \"nowhere\" not found");
    }

    @Test
    void deletingANamespaceDeletesWhatIsInIt() {
        client.resource("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: doomed\n").create();
        client.resource(JsonMappers.JSON.writeValueAsString(TestWebhooks.pod("doomed", "web"))).create();
        client.resource("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: doomed\n").create();

        client.namespaces().withName("doomed").delete();

        assertThat(client.pods().inNamespace("doomed").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
    }

    @Test
    void aNewNamespaceIsActiveAndLabelledWithItsName() {
        client.resource("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fresh\n").create();

        var namespace = client.namespaces().withName("fresh").get();

        assertThat(namespace.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "fresh");
        assertThat(namespace.getStatus().getPhase()).isEqualTo("Active");
    }

    @Test
    void dryRunChangesNothing() {
        client.resource("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  namespace: default\ndata:\n  a: \"1\"\n")
                .create();

        client.configMaps().inNamespace("default").withName("kept").dryRun().delete();
        client.resource("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: imagined\n  namespace: default\n")
                .dryRun().create();

        assertThat(client.configMaps().inNamespace("default").withName("kept").get()).isNotNull();
        assertThat(client.configMaps().inNamespace("default").withName("imagined").get()).isNull();
    }
}
