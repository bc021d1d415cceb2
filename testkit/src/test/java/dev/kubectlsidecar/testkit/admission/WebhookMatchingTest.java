package dev.kubectlsidecar.testkit.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookMatchingTest {

    @Test
    void rulesMatchOperationGroupVersionResourceAndScope() {
        assertThat(webhook("{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"]}")
                .coversRequest("CREATE", "", "v1", "pods", true)).isTrue();
        assertThat(webhook("{\"operations\":[\"*\"],\"apiGroups\":[\"*\"],\"apiVersions\":[\"*\"],\"resources\":[\"*/*\"]}")
                .coversRequest("CREATE", "", "v1", "pods", true)).isTrue();
        assertThat(webhook("{\"operations\":[\"UPDATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"]}")
                .coversRequest("CREATE", "", "v1", "pods", true)).isFalse();
        assertThat(webhook("{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods/*\"]}")
                .coversRequest("CREATE", "", "v1", "pods", true)).as("subresources only").isFalse();
        assertThat(webhook("{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"scope\":\"Cluster\"}")
                .coversRequest("CREATE", "", "v1", "pods", true)).isFalse();
    }

    @Test
    void labelSelectorsUseEveryOperator() {
        Map<String, String> labels = Map.of("istio-injection", "enabled", "team", "shop");

        assertThat(LabelSelector.matches(null, labels, "x")).isTrue();
        assertThat(LabelSelector.matches(Json.object(), labels, "x")).isTrue();
        assertThat(LabelSelector.matches(selector("{\"matchLabels\":{\"istio-injection\":\"enabled\"}}"), labels, "x")).isTrue();
        assertThat(LabelSelector.matches(selector("{\"matchLabels\":{\"istio-injection\":\"disabled\"}}"), labels, "x")).isFalse();
        assertThat(LabelSelector.matches(expression("team", "In", "shop", "web"), labels, "x")).isTrue();
        assertThat(LabelSelector.matches(expression("team", "NotIn", "shop"), labels, "x")).isFalse();
        assertThat(LabelSelector.matches(expression("other", "NotIn", "shop"), labels, "x")).isTrue();
        assertThat(LabelSelector.matches(expression("team", "Exists"), labels, "x")).isTrue();
        assertThat(LabelSelector.matches(expression("team", "DoesNotExist"), labels, "x")).isFalse();
        assertThat(LabelSelector.matches(expression("istio.io/rev", "In", "canary"), labels, "x")).as("an absent key is in no set").isFalse();
        assertThat(LabelSelector.matches(expression("team", "In", "web"), labels, "x")).isFalse();
        assertThat(LabelSelector.matches(selector("{\"matchLabels\":{\"team\":\"shop\"},\"matchExpressions\":[{\"key\":"
                + "\"istio-injection\",\"operator\":\"DoesNotExist\"}]}"), labels, "x")).as("every term must hold").isFalse();
        assertThatThrownBy(() -> LabelSelector.matches(expression("team", "In"), labels, "webhook w objectSelector"))
                .hasMessage("webhook w objectSelector: team: values must be specified when operator is In or NotIn");
        assertThatThrownBy(() -> LabelSelector.matches(expression("team", "Exists", "shop"), labels, "webhook w objectSelector"))
                .hasMessage("webhook w objectSelector: team: values may not be specified when operator is Exists");
        assertThatThrownBy(() -> LabelSelector.matches(expression("team", "Equals", "shop"), labels, "webhook w namespaceSelector"))
                .hasMessage("webhook w namespaceSelector: \"Equals\" is not a valid label selector operator "
                        + "(In, NotIn, Exists, DoesNotExist)");
    }

    private static Webhook webhook(String rule) {
        return new Webhook("test", JsonMappers.JSON.readTree("{\"name\":\"w\",\"rules\":[" + rule + "]}"));
    }

    private static tools.jackson.databind.JsonNode selector(String json) {
        return JsonMappers.JSON.readTree(json);
    }

    private static tools.jackson.databind.JsonNode expression(String key, String operator, String... values) {
        var selector = Json.object();
        var expression = selector.putArray("matchExpressions").addObject().put("key", key).put("operator", operator);
        var list = expression.putArray("values");
        for (String value : values) {
            list.add(value);
        }
        return selector;
    }
}
