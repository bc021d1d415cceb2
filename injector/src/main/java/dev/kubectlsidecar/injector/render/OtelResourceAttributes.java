package dev.kubectlsidecar.injector.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The proxy's {@code OTEL_RESOURCE_ATTRIBUTES} when the mesh's tracing follows OpenTelemetry's semantic conventions
 * (OpenTelemetry's Kubernetes service attributes, as istiod's {@code otelResourceAttributes} computes them):
 * {@code service.namespace} (annotation, else the namespace), {@code service.version} (annotation, else the label
 * {@code app.kubernetes.io/version}, else the tag and digest of a pod's only container's image) and
 * {@code service.instance.id} (annotation, else {@code NAMESPACE.$(POD_NAME).FIRST_CONTAINER}: the pod's name is
 * not known when a controller's pod is injected, so the kubelet substitutes it).
 */
final class OtelResourceAttributes {
    static final String ENV = "OTEL_RESOURCE_ATTRIBUTES";
    private static final String ANNOTATION = "resource.opentelemetry.io/";

    private OtelResourceAttributes() {
    }

    /**
     * @param containers the pod's own containers (the injected proxy not among them)
     * @return the value, empty when there is nothing to say
     */
    static String of(Map<String, String> annotations, JsonNode labels, String namespace, List<JsonNode> containers) {
        List<String> attributes = new ArrayList<>();
        String serviceNamespace = annotation(annotations, "service.namespace");
        if (serviceNamespace != null || !namespace.isEmpty()) {
            attributes.add("service.namespace=" + (serviceNamespace != null ? serviceNamespace : namespace));
        }
        String version = annotation(annotations, "service.version");
        if (version == null && !labels.path("app.kubernetes.io/version").asString("").isEmpty()) {
            version = labels.path("app.kubernetes.io/version").asString();
        }
        if (version == null && containers.size() == 1) {
            version = imageVersion(containers.get(0).path("image").asString(""));
        }
        if (version != null) {
            attributes.add("service.version=" + version);
        }
        String instance = annotation(annotations, "service.instance.id");
        if (instance == null && !containers.isEmpty()) {
            instance = namespace + ".$(POD_NAME)." + containers.get(0).path("name").asString("");
        }
        if (instance != null) {
            attributes.add("service.instance.id=" + instance);
        }
        return String.join(",", attributes);
    }

    private static String annotation(Map<String, String> annotations, String attribute) {
        String value = annotations.get(ANNOTATION + attribute);
        return value == null || value.isEmpty() ? null : value;
    }

    /** {@code TAG@DIGEST}, {@code TAG} or {@code DIGEST} of {@code [registry[:port]/]name[:tag][@digest]}; null for none. */
    static String imageVersion(String image) {
        int at = image.indexOf('@');
        String digest = at >= 0 ? image.substring(at + 1) : "";
        String name = at >= 0 ? image.substring(0, at) : image;
        int colon = name.lastIndexOf(':');
        String tag = colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "";
        if (!tag.isEmpty() && !digest.isEmpty()) {
            return tag + "@" + digest;
        }
        return !digest.isEmpty() ? digest : tag.isEmpty() ? null : tag;
    }
}
