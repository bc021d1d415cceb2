package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code istio} profile's proxy: Istio's proxyv2 image run by pilot-agent, which fetches its config and
 * certificates from istiod. Mirrors the essentials of Istio's injection template (args, downward-API env, token
 * and CA volumes) so pods join an existing mesh.
 */
final class IstioProxyLayout {
    private IstioProxyLayout() {
    }

    static ObjectNode container(ProxyOptions options, List<ObjectNode> volumes) {
        ObjectNode proxy = Json.object()
                .put("name", SidecarParts.PROXY_NAME)
                .put("image", options.proxyImage())
                .put("imagePullPolicy", options.profile().imagePullPolicy());
        proxy.putArray("args").add("proxy").add("sidecar")
                .add("--domain").add("$(POD_NAMESPACE).svc.cluster.local")
                .add("--proxyLogLevel=warning")
                .add("--proxyComponentLogLevel=misc:error")
                .add("--log_output_level=default:info");
        ArrayNode env = proxy.putArray("env");
        value(env, "PILOT_CERT_PROVIDER", "istiod");
        value(env, "CA_ADDR", "istiod.istio-system.svc:15012");
        field(env, "POD_NAME", "metadata.name");
        field(env, "POD_NAMESPACE", "metadata.namespace");
        field(env, "INSTANCE_IP", "status.podIP");
        field(env, "SERVICE_ACCOUNT", "spec.serviceAccountName");
        field(env, "HOST_IP", "status.hostIP");
        value(env, "ISTIO_META_INTERCEPTION_MODE", options.profile().traffic().interceptionMode());
        value(env, "ISTIO_META_CLUSTER_ID", "Kubernetes");
        value(env, "ISTIO_META_MESH_ID", "cluster.local");
        value(env, "TRUST_DOMAIN", "cluster.local");
        SidecarTemplate.commonProxyFields(proxy, options, options.profile().traffic());
        ArrayNode mounts = proxy.putArray("volumeMounts");
        mount(mounts, "workload-socket", "/var/run/secrets/workload-spiffe-uds");
        mount(mounts, "credential-socket", "/var/run/secrets/credential-uds");
        mount(mounts, "workload-certs", "/var/run/secrets/workload-spiffe-credentials");
        mount(mounts, "istiod-ca-cert", "/var/run/secrets/istio");
        mount(mounts, "istio-data", "/var/lib/istio/data");
        mount(mounts, SidecarTemplate.ENVOY_VOLUME, "/etc/istio/proxy");
        mount(mounts, "istio-token", "/var/run/secrets/tokens");
        mount(mounts, "istio-podinfo", "/etc/istio/pod");
        volumes.addAll(volumes());
        return proxy;
    }

    /** The volumes this layout adds besides the Envoy volume: Istio's own names and sources. */
    static List<ObjectNode> volumes() {
        List<ObjectNode> volumes = new ArrayList<>();
        for (String emptyDir : List.of("workload-socket", "credential-socket", "workload-certs", "istio-data")) {
            volumes.add(Json.object().put("name", emptyDir).set("emptyDir", Json.object()));
        }
        ObjectNode podinfo = Json.object().put("name", "istio-podinfo");
        ArrayNode items = podinfo.putObject("downwardAPI").putArray("items");
        items.addObject().put("path", "labels").putObject("fieldRef").put("fieldPath", "metadata.labels");
        items.addObject().put("path", "annotations").putObject("fieldRef").put("fieldPath", "metadata.annotations");
        volumes.add(podinfo);
        ObjectNode token = Json.object().put("name", "istio-token");
        token.putObject("projected").putArray("sources").addObject().putObject("serviceAccountToken")
                .put("audience", "istio-ca").put("expirationSeconds", 43200).put("path", "istio-token");
        volumes.add(token);
        volumes.add(Json.object().put("name", "istiod-ca-cert")
                .set("configMap", Json.object().put("name", "istio-ca-root-cert")));
        return volumes;
    }

    private static void value(ArrayNode env, String name, String value) {
        env.addObject().put("name", name).put("value", value);
    }

    private static void field(ArrayNode env, String name, String path) {
        env.addObject().put("name", name).putObject("valueFrom").putObject("fieldRef").put("fieldPath", path);
    }

    private static void mount(ArrayNode mounts, String name, String path) {
        mounts.addObject().put("name", name).put("mountPath", path);
    }
}
