package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.render.SidecarRenderer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Other sidecar injectors that would inject the same pods: istiod's {@code istio-sidecar-injector} and
 * {@code istio-revision-tag-*} (which select on the same {@code istio-injection} label), Linkerd's and Kuma's
 * webhooks; and pods that already run a sidecar someone else injected.
 */
final class OtherInjectors {
    /** A known injector: how to recognise its configuration and its sidecar container. */
    private record Injector(String product, String configurationPrefix, String container) {
    }

    private static final List<Injector> KNOWN = List.of(
            new Injector("Istio", "istio-sidecar-injector", "istio-proxy"),
            new Injector("Istio", "istio-revision-tag-", "istio-proxy"),
            new Injector("Linkerd", "linkerd-proxy-injector", "linkerd-proxy"),
            new Injector("Kuma", "kuma-admission-mutating", "kuma-sidecar"));

    /** One other injector's webhook and the namespaces (of those asked about) whose pods it matches. */
    record Overlap(String product, String configuration, String webhook, List<String> namespaces) {
        String describe() {
            return product + "'s webhook " + configuration + "/" + webhook + " also injects pods of namespace"
                    + (namespaces.size() == 1 ? " " : "s ") + String.join(", ", namespaces);
        }
    }

    private OtherInjectors() {
    }

    static final String ADVICE = "the webhook called first injects and the other then sees a pod with a sidecar: use one "
            + "injector per namespace (for istiod, label its namespaces istio.io/rev=REVISION instead of istio-injection, "
            + "or `kubectl sidecar disable` those namespaces)";

    /** The known injectors' webhooks that match pods of {@code namespaces}. */
    static List<Overlap> overlapping(KubernetesClient client, List<Namespace> namespaces) {
        List<Overlap> overlaps = new ArrayList<>();
        for (MutatingWebhookConfiguration configuration : client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()) {
            String name = configuration.getMetadata().getName();
            Optional<Injector> injector = KNOWN.stream().filter(k -> name.startsWith(k.configurationPrefix())).findFirst();
            if (injector.isEmpty() || configuration.getWebhooks() == null) {
                continue;
            }
            for (MutatingWebhook webhook : configuration.getWebhooks()) {
                if (!createsPods(webhook)) {
                    continue;
                }
                List<String> matched = namespaces.stream()
                        .filter(ns -> selects(webhook.getNamespaceSelector(), labels(ns)) && selects(webhook.getObjectSelector(), Map.of()))
                        .map(ns -> ns.getMetadata().getName()).sorted().toList();
                if (!matched.isEmpty()) {
                    overlaps.add(new Overlap(injector.get().product(), name, webhook.getName(), matched));
                }
            }
        }
        return overlaps;
    }

    /** {@code namespace/pod: product's container} for each pod whose sidecar another injector added. */
    static List<String> foreignSidecars(List<Pod> pods) {
        List<String> found = new ArrayList<>();
        for (Pod pod : pods) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
            boolean ours = annotations.containsKey(SidecarRenderer.TEMPLATE_HASH);
            List<String> containers = Stream.concat(pod.getSpec().getContainers().stream(),
                    pod.getSpec().getInitContainers() == null ? Stream.empty() : pod.getSpec().getInitContainers().stream())
                    .map(Container::getName).toList();
            for (Injector injector : KNOWN) {
                if (containers.contains(injector.container()) && !(ours && injector.container().equals("istio-proxy"))) {
                    found.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ": " + injector.container()
                            + " (" + injector.product() + ")");
                    break;
                }
            }
        }
        return found;
    }

    private static boolean createsPods(MutatingWebhook webhook) {
        if (webhook.getRules() == null) {
            return false;
        }
        for (RuleWithOperations rule : webhook.getRules()) {
            boolean create = rule.getOperations() != null && (rule.getOperations().contains("CREATE") || rule.getOperations().contains("*"));
            boolean pods = rule.getResources() != null && (rule.getResources().contains("pods") || rule.getResources().contains("*"));
            boolean core = rule.getApiGroups() == null || rule.getApiGroups().contains("") || rule.getApiGroups().contains("*");
            if (create && pods && core) {
                return true;
            }
        }
        return false;
    }

    /** A webhook's selector: absent means every object. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector == null || LabelSelectors.matches(selector, labels);
    }

    private static Map<String, String> labels(Namespace namespace) {
        return namespace.getMetadata().getLabels() == null ? Map.of() : namespace.getMetadata().getLabels();
    }
}
