package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.Messages;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.PodStateCalculator;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Where {@code status} gets pod states: the agent's {@code /api/v1/status} through the API server's service proxy,
 * or, when the agent cannot be reached, the same states computed here from the pods with the same engine.
 */
final class StatusSource {
    /** @param revisions those the cluster's injection config names (which namespace labels enable injection) */
    record Snapshot(List<PodSidecarState> pods, Map<String, Map<String, String>> namespaceLabels, SortedSet<String> revisions,
                    String note) {
        boolean enabled(String namespace) {
            return WebhookSelection.enabled(namespaceLabels.getOrDefault(namespace, Map.of()), revisions);
        }
    }

    private final KubernetesClient client;

    StatusSource(KubernetesClient client) {
        this.client = client;
    }

    /**
     * @param namespace null for all namespaces. The namespaces and the agent's answer are asked for at once; only
     * when the agent cannot answer are the pods listed (never speculatively: in a large cluster that list is the
     * expensive part), together with what computing their states needs.
     */
    Snapshot fetch(String namespace, String podName, String selector) {
        try (ParallelRequests requests = new ParallelRequests()) {
            Future<Map<String, NamespaceInfo>> namespaceInfos = requests.start(() -> namespaces(namespace));
            Future<InjectionConfig> injectionConfig = requests.start(() -> ClusterInjectionConfig.load(client));
            Future<List<PodSidecarState>> agentStates = requests.start(() -> fromAgent(namespace, podName));
            Map<String, NamespaceInfo> namespaces = ParallelRequests.result(namespaceInfos);
            Map<String, Map<String, String>> labels = new HashMap<>();
            namespaces.forEach((name, info) -> labels.put(name, info.labels()));
            List<PodSidecarState> pods;
            String note = null;
            SortedSet<String> revisions;
            try {
                pods = ParallelRequests.result(agentStates);
                if (selector != null) {
                    Set<String> matching = podsMatching(namespace, selector);
                    pods = pods.stream().filter(p -> matching.contains(p.namespace() + "/" + p.name())).toList();
                }
                try {
                    revisions = WebhookSelection.revisions(ParallelRequests.result(injectionConfig));
                } catch (InvalidConfigException | KubernetesClientException e) {
                    // the agent's states stand on their own; only which istio.io/rev labels enable a namespace is unknown
                    revisions = Collections.emptySortedSet();
                    note = "the injection config could not be read (" + Messages.firstLine(e.getMessage())
                            + "): namespaces are shown as enabled by istio-injection only";
                }
            } catch (KubernetesClientException | IllegalStateException e) {
                InjectionConfig config = ParallelRequests.result(injectionConfig); // computing the states needs it
                note = "the agent could not be reached (" + reason(e) + "): computed from the pods directly";
                pods = computed(requests, config, namespace, podName, selector, namespaces);
                revisions = WebhookSelection.revisions(config);
            }
            List<PodSidecarState> sorted = new ArrayList<>(pods);
            sorted.sort(Comparator.comparing(PodSidecarState::namespace).thenComparing(PodSidecarState::name));
            return new Snapshot(sorted, labels, revisions, note);
        }
    }

    private List<PodSidecarState> fromAgent(String namespace, String podName) {
        StringBuilder query = new StringBuilder();
        if (namespace != null) {
            query.append("namespace=").append(URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        }
        if (podName != null) {
            query.append(query.isEmpty() ? "" : "&").append("pod=").append(URLEncoder.encode(podName, StandardCharsets.UTF_8));
        }
        String path = "/api/v1/namespaces/" + AgentNames.NAMESPACE + "/services/https:" + AgentNames.SERVICE
                + ":443/proxy/api/v1/status" + (query.isEmpty() ? "" : "?" + query);
        JsonNode answer = parse(get(path));
        if (answer == null || !answer.path("pods").isArray()) {
            throw new IllegalStateException("no status answer from the agent's service");
        }
        return PodStatesJson.read(answer);
    }

    /**
     * GET through the API server with the caller's bearer token in {@link AgentNames#TOKEN_HEADER} too (when the
     * kubeconfig has one: a client certificate cannot be forwarded, and the agent then refuses, so the states are
     * computed here). @throws KubernetesClientException for any answer but 200
     */
    private String get(String path) {
        HttpRequest.Builder request = client.getHttpClient().newHttpRequestBuilder()
                .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path);
        String token = bearerToken(client.getConfiguration());
        if (token != null) {
            request.header(AgentNames.TOKEN_HEADER, "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(request.build(), String.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted", e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), e);
        }
        if (response.code() != 200) {
            throw new KubernetesClientException(response.body(), response.code(), null);
        }
        return response.body();
    }

    private static String bearerToken(Config config) {
        if (config.getOauthTokenProvider() != null) {
            return config.getOauthTokenProvider().getToken();
        }
        return config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken();
    }

    private static JsonNode parse(String body) {
        try {
            return body == null ? null : JsonMappers.JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    private List<PodSidecarState> computed(ParallelRequests requests, InjectionConfig config, String namespace, String podName,
                                           String selector, Map<String, NamespaceInfo> namespaces) {
        Future<List<Pod>> listed = requests.start(() -> pods(namespace, selector));
        Future<KubeVersion> version = requests.start(() -> ServerVersion.of(client));
        Future<MutatingWebhookConfiguration> webhooks = requests.start(() -> WebhookConfigurations.agents(client));
        PodStateCalculator calculator = new PodStateCalculator(new InjectionEngine(config),
                ParallelRequests.result(version), WebhookConfigurations.presence(ParallelRequests.result(webhooks)));
        List<PodSidecarState> states = new ArrayList<>();
        for (Pod pod : ParallelRequests.result(listed)) {
            String ns = pod.getMetadata().getNamespace();
            if (podName == null || podName.equals(pod.getMetadata().getName())) {
                states.add(calculator.of(Workloads.tree(pod), namespaces.getOrDefault(ns, new NamespaceInfo(ns, Map.of()))));
            }
        }
        return states;
    }

    private List<Pod> pods(String namespace, String selector) {
        var operation = namespace == null ? client.pods().inAnyNamespace() : client.pods().inNamespace(namespace);
        return (selector == null ? operation.list() : operation.withLabelSelector(selector).list()).getItems();
    }

    private Set<String> podsMatching(String namespace, String selector) {
        return pods(namespace, selector).stream()
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    private Map<String, NamespaceInfo> namespaces(String namespace) {
        Map<String, NamespaceInfo> infos = new HashMap<>();
        List<Namespace> namespaces = namespace == null ? client.namespaces().list().getItems()
                : java.util.Optional.ofNullable(client.namespaces().withName(namespace).get()).map(List::of).orElse(List.of());
        for (Namespace ns : namespaces) {
            String name = ns.getMetadata().getName();
            infos.put(name, NamespaceInfo.of(name, ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels(),
                    ns.getMetadata().getAnnotations()));
        }
        return infos;
    }

    /** The API server's NotFound Status for the agent's Service (not a 404 the agent itself answered). */
    private static boolean agentServiceMissing(String body) {
        JsonNode status = parse(body);
        return status != null && "NotFound".equals(status.path("reason").asString(""))
                && "services".equals(status.at("/details/kind").asString(""))
                && AgentNames.SERVICE.equals(status.at("/details/name").asString(""));
    }

    private static String reason(Exception e) {
        if (e instanceof KubernetesClientException k && k.getCode() == 404 && agentServiceMissing(k.getMessage())) {
            return "HTTP 404: no Service " + AgentNames.NAMESPACE + "/" + AgentNames.SERVICE + "; is the agent installed?";
        }
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            return "HTTP " + k.getCode();
        }
        return Messages.firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
