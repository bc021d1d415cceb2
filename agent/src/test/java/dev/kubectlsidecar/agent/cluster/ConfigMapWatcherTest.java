package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConfigMapWatcherTest {
    static {
        Poll.quietMockServer();
    }

    private static final String NS = "kubectl-sidecar";

    KubernetesClient client;

    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private ConfigMapWatcher watcher;

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void handsTheTextAtStartAndEveryChange() {
        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yaml", "one: 1\n"))).create();
        start();
        Poll.until("the initial text", () -> received.equals(List.of("one: 1\n")));

        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yaml", "two: 2\n"))).update();
        Poll.until("the updated text", () -> received.equals(List.of("one: 1\n", "two: 2\n")));

        client.configMaps().inNamespace(NS).withName(InClusterSettings.CONFIG_MAP).delete();
        Poll.until("null: back to the embedded default", () -> received.size() == 3);
        assertThat(received.get(2)).isNull();
    }

    @Test
    void anAbsentConfigMapMeansTheDefaultUntilOneIsCreated() {
        start();
        Poll.until("the absent signal", () -> received.size() == 1);
        assertThat(received.get(0)).isNull();

        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yaml", "three: 3\n"))).create();
        Poll.until("the created text", () -> received.size() == 2);
        assertThat(received.get(1)).isEqualTo("three: 3\n");
    }

    @Test
    void aConfigMapWithoutTheKeyKeepsTheCurrentTextAndOtherConfigMapsAreIgnored() {
        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yaml", "one: 1\n"))).create();
        start();
        Poll.until("the initial text", () -> received.size() == 1);

        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yml", "typo: true\n"))).update();
        ConfigMap other = new ConfigMapBuilder().withNewMetadata().withName("other").withNamespace(NS).endMetadata()
                .addToData("config.yaml", "other: 1\n").build();
        client.configMaps().inNamespace(NS).resource(other).create();
        client.configMaps().inNamespace(NS).resource(configMap(Map.of("config.yaml", "four: 4\n"))).update();
        Poll.until("the fixed text", () -> received.size() == 2);
        assertThat(received).containsExactly("one: 1\n", "four: 4\n");
    }

    private void start() {
        watcher = new ConfigMapWatcher(client, NS, InClusterSettings.CONFIG_MAP, InClusterSettings.CONFIG_KEY, received::add);
        watcher.start();
    }

    private static ConfigMap configMap(Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName(InClusterSettings.CONFIG_MAP).withNamespace(NS).endMetadata()
                .withData(data)
                .build();
    }
}
