package dev.kubectlsidecar.testkit;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Webhook answers and MutatingWebhookConfigurations for admission tests. */
final class TestWebhooks {
    static final String NAMESPACE = "webhooks";
    static final String SERVICE = "test-webhook";
    static final String DNS_NAME = SERVICE + "." + NAMESPACE + ".svc";
    static final String ADD_LABEL = "[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated-by\",\"value\":\"test-webhook\"}]";

    private TestWebhooks() {
    }

    /** Allows every pod with {@code patch}. */
    static TestHttpsServer.Handler patching(String patch) {
        return request -> TestHttpsServer.Answer.json(answer(uid(request), true, patch, null));
    }

    static TestHttpsServer.Handler denying(String message) {
        return request -> TestHttpsServer.Answer.json(answer(uid(request), false, null, message));
    }

    static String uid(TestHttpsServer.Received request) {
        return JsonMappers.JSON.readTree(request.body()).path("request").path("uid").asString();
    }

    static String answer(String uid, boolean allowed, String patch, String message) {
        ObjectNode review = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode response = review.putObject("response").put("uid", uid).put("allowed", allowed);
        if (patch != null) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
        }
        if (message != null) {
            response.putObject("status").put("message", message);
        }
        return JsonMappers.JSON.writeValueAsString(review);
    }

    /** A configuration with one webhook, {@code label.test.dev}, calling the test Service at {@code /mutate}. */
    static ObjectNode configuration(String name, String caBundle, String failurePolicy) {
        ObjectNode configuration = Json.object()
                .put("apiVersion", "admissionregistration.k8s.io/v1").put("kind", "MutatingWebhookConfiguration");
        configuration.putObject("metadata").put("name", name);
        ObjectNode webhook = configuration.putArray("webhooks").addObject();
        webhook.put("name", "label.test.dev");
        webhook.putArray("admissionReviewVersions").add("v1");
        webhook.put("sideEffects", "None");
        webhook.put("failurePolicy", failurePolicy);
        webhook.put("timeoutSeconds", 5);
        ObjectNode clientConfig = webhook.putObject("clientConfig");
        if (caBundle != null) {
            clientConfig.put("caBundle", caBundle);
        }
        clientConfig.putObject("service").put("namespace", NAMESPACE).put("name", SERVICE).put("path", "/mutate")
                .put("port", 443);
        ObjectNode rule = webhook.putArray("rules").addObject();
        rule.putArray("operations").add("CREATE");
        rule.putArray("apiGroups").add("");
        rule.putArray("apiVersions").add("v1");
        rule.putArray("resources").add("pods");
        webhook.putObject("namespaceSelector").putObject("matchLabels").put("istio-injection", "enabled");
        return configuration;
    }

    static ObjectNode webhook(ObjectNode configuration) {
        return (ObjectNode) configuration.path("webhooks").get(0);
    }

    static ObjectNode pod(String namespace, String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", namespace).putObject("labels").put("app", "web");
        pod.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx:1.27");
        return pod;
    }

    static JsonNode labels(JsonNode object) {
        return object.path("metadata").path("labels");
    }
}
