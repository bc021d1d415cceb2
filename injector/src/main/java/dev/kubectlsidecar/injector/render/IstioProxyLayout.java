package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.config.MeshSettings;
import dev.kubectlsidecar.injector.config.ServiceAttributeEnrichment;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code istio} profile's proxy: Istio's proxyv2 image run by pilot-agent, which fetches its config and
 * certificates from istiod. Laid out as istiod's injection template lays it out (args, env in its order, token, CA
 * and CRL volumes), with the mesh settings from the profile's config. The env entries that depend on the pod
 * (its ports, app containers, workload, OpenTelemetry attributes) are left empty here, since a render is shared by many pods, and filled in
 * per pod by {@link IstioPodFields}.
 */
final class IstioProxyLayout {
    private static final int ISTIO_DRAIN_SECONDS = 5;
    static final String POD_PORTS = "ISTIO_META_POD_PORTS";
    static final String APP_CONTAINERS = "ISTIO_META_APP_CONTAINERS";
    static final String WORKLOAD_NAME = "ISTIO_META_WORKLOAD_NAME";
    static final String OWNER = "ISTIO_META_OWNER";
    /** Volumes the template leaves without a source: the API server makes them emptyDirs, as in Istio. */
    private static final List<String> SOURCELESS = List.of("workload-socket", "credential-socket", "workload-certs");

    private IstioProxyLayout() {
    }

    static ObjectNode container(ProxyOptions options, List<ObjectNode> volumes) {
        MeshSettings mesh = options.profile().mesh();
        ObjectNode proxy = Json.object()
                .put("name", SidecarParts.PROXY_NAME)
                .put("image", options.proxyImage())
                .put("imagePullPolicy", options.profile().imagePullPolicy());
        proxy.putArray("args").add("proxy").add("sidecar")
                .add("--domain").add("$(POD_NAMESPACE).svc.cluster.local")
                .add("--proxyLogLevel=warning")
                .add("--proxyComponentLogLevel=misc:error")
                .add("--log_output_level=default:info")
                .add("--concurrency").add(Integer.toString(options.concurrency()));
        ArrayNode env = proxy.putArray("env");
        value(env, "PILOT_CERT_PROVIDER", "istiod");
        value(env, "CA_ADDR", mesh.discoveryAddress());
        field(env, "POD_NAME", "metadata.name");
        field(env, "POD_NAMESPACE", "metadata.namespace");
        field(env, "INSTANCE_IP", "status.podIP");
        field(env, "SERVICE_ACCOUNT", "spec.serviceAccountName");
        field(env, "HOST_IP", "status.hostIP");
        resource(env, "ISTIO_CPU_LIMIT", "limits.cpu");
        value(env, "PROXY_CONFIG", proxyConfig(options) + "\n");
        value(env, POD_PORTS, "");
        value(env, APP_CONTAINERS, "");
        resource(env, "GOMEMLIMIT", "limits.memory");
        resource(env, "GOMAXPROCS", "limits.cpu");
        value(env, "ISTIO_META_CLUSTER_ID", mesh.clusterId());
        field(env, "ISTIO_META_NODE_NAME", "spec.nodeName");
        value(env, "ISTIO_META_INTERCEPTION_MODE", options.profile().traffic().interceptionMode());
        value(env, WORKLOAD_NAME, "");
        value(env, OWNER, "");
        value(env, "ISTIO_META_MESH_ID", mesh.meshIdOrTrustDomain());
        value(env, "TRUST_DOMAIN", mesh.trustDomain());
        if (mesh.serviceAttributeEnrichment() == ServiceAttributeEnrichment.OTEL_SEMANTIC_CONVENTIONS) {
            value(env, OtelResourceAttributes.ENV, "");
        }
        SidecarTemplate.commonProxyFields(proxy, options, options.profile().traffic());
        ArrayNode mounts = proxy.putArray("volumeMounts");
        mount(mounts, "workload-socket", "/var/run/secrets/workload-spiffe-uds");
        mount(mounts, "credential-socket", "/var/run/secrets/credential-uds");
        mount(mounts, "workload-certs", "/var/run/secrets/workload-spiffe-credentials");
        mount(mounts, "istiod-ca-cert", "/var/run/secrets/istio");
        mount(mounts, "istio-ca-crl", "/var/run/secrets/istio/crl");
        mount(mounts, "istio-data", "/var/lib/istio/data");
        mount(mounts, SidecarTemplate.ENVOY_VOLUME, "/etc/istio/proxy");
        mount(mounts, "istio-token", "/var/run/secrets/tokens");
        mount(mounts, "istio-podinfo", "/etc/istio/pod");
        volumes.addAll(volumes());
        return proxy;
    }

    /** The volumes this layout adds, the Envoy volume among them, in Istio's order with Istio's names and sources. */
    static List<ObjectNode> volumes() {
        List<ObjectNode> volumes = new ArrayList<>();
        SOURCELESS.forEach(name -> volumes.add(Json.object().put("name", name)));
        volumes.add(SidecarTemplate.envoyVolume());
        volumes.add(Json.object().put("name", "istio-data").set("emptyDir", Json.object()));
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
        volumes.add(Json.object().put("name", "istio-ca-crl")
                .set("configMap", Json.object().put("name", "istio-ca-crl").put("optional", true)));
        return volumes;
    }

    /**
     * What pilot-agent must know of the start/stop settings, as Istio passes a pod's {@code proxy.istio.io/config}
     * (its JSON, {@code {}} when empty): the fields the pod set, and the drain duration when it is not
     * pilot-agent's default (5 s).
     */
    private static String proxyConfig(ProxyOptions options) {
        ObjectNode config = Json.object();
        if (options.lifecycleFromPod().contains(ProxyConfigAnnotation.HOLD)) {
            config.put(ProxyConfigAnnotation.HOLD, options.lifecycle().holdApplicationUntilProxyStarts());
        }
        if (options.lifecycleFromPod().contains(ProxyConfigAnnotation.CONCURRENCY)) {
            config.put(ProxyConfigAnnotation.CONCURRENCY, options.concurrency());
        }
        if (options.lifecycleFromPod().contains(ProxyConfigAnnotation.DRAIN)
                || options.lifecycle().terminationDrainSeconds() != ISTIO_DRAIN_SECONDS) {
            config.put(ProxyConfigAnnotation.DRAIN, options.lifecycle().terminationDrainSeconds() + "s");
        }
        return JsonText.writeJson(config);
    }

    private static void value(ArrayNode env, String name, String value) {
        env.addObject().put("name", name).put("value", value);
    }

    private static void field(ArrayNode env, String name, String path) {
        env.addObject().put("name", name).putObject("valueFrom").putObject("fieldRef").put("fieldPath", path);
    }

    private static void resource(ArrayNode env, String name, String resource) {
        env.addObject().put("name", name).putObject("valueFrom").putObject("resourceFieldRef")
                .put("resource", resource).put("divisor", "1");
    }

    private static void mount(ArrayNode mounts, String name, String path) {
        mounts.addObject().put("name", name).put("mountPath", path);
    }
}
