package dev.kubectlsidecar.injector.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class OtelResourceAttributesTest {
    private static JsonNode container(String name, String image) {
        return Json.object().put("name", name).put("image", image);
    }

    private static ObjectNode labels(String... keysAndValues) {
        ObjectNode labels = Json.object();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            labels.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return labels;
    }

    @Test
    void theNamespaceTheVersionLabelAndTheFirstContainerNameTheService() {
        assertThat(OtelResourceAttributes.of(Map.of(), labels("app.kubernetes.io/version", "v2"), "shop",
                List.of(container("web", "web:1"), container("log", "log:3"))))
                .isEqualTo("service.namespace=shop,service.version=v2,service.instance.id=shop.$(POD_NAME).web");
        assertThat(OtelResourceAttributes.of(Map.of(), labels(), "shop", List.of()))
                .as("no container: no version from an image, no instance").isEqualTo("service.namespace=shop");
        assertThat(OtelResourceAttributes.of(Map.of(), labels(), "", List.of())).isEmpty();
    }

    @Test
    void annotationsWinAndEmptyOnesCountAsAbsent() {
        Map<String, String> annotations = Map.of("resource.opentelemetry.io/service.namespace", "payments",
                "resource.opentelemetry.io/service.version", "2024.1",
                "resource.opentelemetry.io/service.instance.id", "web-a");
        assertThat(OtelResourceAttributes.of(annotations, labels("app.kubernetes.io/version", "v2"), "shop",
                List.of(container("web", "web:1"))))
                .isEqualTo("service.namespace=payments,service.version=2024.1,service.instance.id=web-a");
        assertThat(OtelResourceAttributes.of(Map.of("resource.opentelemetry.io/service.version", ""), labels(), "shop",
                List.of(container("web", "web:1"))))
                .isEqualTo("service.namespace=shop,service.version=1,service.instance.id=shop.$(POD_NAME).web");
    }

    @Test
    void onlyASingleContainersImageGivesTheVersion() {
        assertThat(OtelResourceAttributes.of(Map.of(), labels(), "shop", List.of(container("a", "a:1"), container("b", "b:2"))))
                .isEqualTo("service.namespace=shop,service.instance.id=shop.$(POD_NAME).a");
        assertThat(OtelResourceAttributes.imageVersion("registry.example:5000/team/web:1.4")).isEqualTo("1.4");
        assertThat(OtelResourceAttributes.imageVersion("web@sha256:0f1e")).isEqualTo("sha256:0f1e");
        assertThat(OtelResourceAttributes.imageVersion("web:1.4@sha256:0f1e")).isEqualTo("1.4@sha256:0f1e");
        assertThat(OtelResourceAttributes.imageVersion("registry.example:5000/web")).as("a port is no tag").isNull();
        assertThat(OtelResourceAttributes.imageVersion("web")).isNull();
    }
}
