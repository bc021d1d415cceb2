package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Pods and namespaces as a cluster holds them: plain, or injected by the engine itself. */
final class PodFixtures {
    static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    /** Why a pod of an enabled namespace has no sidecar, when the namespace does not say since when it is enabled. */
    static final String WITHOUT_SIDECAR = "created before injection was enabled, or while the agent did not answer "
            + "under failurePolicy Ignore: restart it";

    private PodFixtures() {
    }

    static Pod plain(String namespace, String name) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("web:1").endContainer().endSpec()
                .build();
    }

    static Pod injected(String namespace, String name) {
        ObjectNode tree = (ObjectNode) JsonMappers.JSON.readTree(Serialization.asJson(plain(namespace, name)));
        ObjectNode injected = ENGINE.inject(tree, PodRequest.offline(namespace)).pod();
        return Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(injected), Pod.class);
    }

    static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    static Namespace enabled(String name) {
        return namespace(name, Map.of("istio-injection", "enabled"));
    }
}
