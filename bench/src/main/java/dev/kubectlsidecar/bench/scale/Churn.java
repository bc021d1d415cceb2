package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pods come and go while the agent watches: {@code count} planned pods are deleted and {@code count} new ones
 * created at the same time, half in namespaces with injection enabled (so they pass the agent's webhook and the
 * kubelet runs their istio-init), half in unlabelled ones. Then the agent's {@code /api/v1/status} must name exactly
 * the pods it named before, less the deleted, plus the created, and every new injected pod must come to have its
 * rules verified.
 */
final class Churn {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    /**
     * @param followedAfter from the last change sent to the agent naming exactly the pods expected
     * @param verifiedAfter until every new injected pod's iptables rules were verified
     */
    record Outcome(int created, int deleted, int injected, Duration followedAfter, Duration verifiedAfter, int podsAfter) {
    }

    private Churn() {
    }

    static Outcome run(ApiClient api, AgentProbe agent, ClusterPlan plan, int count) throws InterruptedException, CallFailure {
        Set<String> expected = new HashSet<>(podNames(agent));
        List<ClusterPlan.PlannedPod> candidates = plan.pods().stream()
                .filter(p -> p.namespace().kind() != ClusterPlan.NamespaceKind.SYSTEM).toList();
        List<ClusterPlan.PlannedPod> deleted = new ArrayList<>();
        for (int i = 0; i < count && i < candidates.size(); i++) {
            deleted.add(candidates.get((int) ((long) i * candidates.size() / count)));
        }
        List<ClusterPlan.PlannedNamespace> enabled = kind(plan, ClusterPlan.NamespaceKind.ENABLED);
        List<ClusterPlan.PlannedNamespace> unlabelled = kind(plan, ClusterPlan.NamespaceKind.UNLABELLED);
        List<ObjectNode> created = new ArrayList<>();
        Set<String> injectedNames = new HashSet<>();
        for (int i = 0; i < count; i++) {
            List<ClusterPlan.PlannedNamespace> from = i % 2 == 0 || unlabelled.isEmpty() ? enabled : unlabelled;
            ClusterPlan.PlannedNamespace namespace = from.get(i % from.size());
            ObjectNode pod = newPod(namespace.name(), "churn-" + i);
            created.add(pod);
            if (from == enabled) {
                injectedNames.add(namespace.name() + "/churn-" + i);
            }
        }
        List<Runnable> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ClusterPlan.PlannedPod gone = deleted.get(i);
            ObjectNode pod = created.get(i);
            changes.add(() -> api.deletePod(gone.namespace().name(), gone.name()));
            changes.add(() -> api.createPod(pod.path("metadata").path("namespace").asString(), pod));
            expected.remove(gone.namespace().name() + "/" + gone.name());
            expected.add(pod.path("metadata").path("namespace").asString() + "/" + pod.path("metadata").path("name").asString());
        }
        ApiClient.each(changes, 4, change -> {
            change.run();
            return null;
        });
        long sent = System.nanoTime();
        long deadline = sent + LIMIT.toNanos();
        Duration followed = null;
        while (followed == null) {
            if (podNames(agent).equals(expected)) {
                followed = Duration.ofNanos(System.nanoTime() - sent);
            } else if (System.nanoTime() > deadline) {
                Set<String> actual = podNames(agent);
                throw new IllegalStateException("after " + LIMIT.toMinutes() + " min the agent names " + actual.size()
                        + " pods, expected " + expected.size() + "; missing e.g. " + firstOf(expected, actual)
                        + ", unexpected e.g. " + firstOf(actual, expected));
            } else {
                Thread.sleep(250);
            }
        }
        Duration verified = null;
        while (verified == null) {
            long verifiedCount = states(agent).stream()
                    .filter(s -> injectedNames.contains(s.path("namespace").asString() + "/" + s.path("name").asString()))
                    .filter(s -> s.path("injected").asBoolean() && s.path("iptables").asString().equals("verified"))
                    .count();
            if (verifiedCount == injectedNames.size()) {
                verified = Duration.ofNanos(System.nanoTime() - sent);
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after " + LIMIT.toMinutes() + " min " + verifiedCount + " of "
                        + injectedNames.size() + " new injected pods have verified rules");
            } else {
                Thread.sleep(500);
            }
        }
        return new Outcome(count, deleted.size(), injectedNames.size(), followed, verified, expected.size());
    }

    /** Every pod the agent names, as {@code namespace/name}. */
    static Set<String> podNames(AgentProbe agent) throws CallFailure {
        Set<String> names = new HashSet<>();
        for (JsonNode state : states(agent)) {
            names.add(state.path("namespace").asString() + "/" + state.path("name").asString());
        }
        return names;
    }

    private static List<JsonNode> states(AgentProbe agent) throws CallFailure {
        HttpCalls.Reply reply = agent.get("/api/v1/status");
        if (reply.status() != 200) {
            throw new IllegalStateException("GET /api/v1/status answered " + reply.status());
        }
        List<JsonNode> states = new ArrayList<>();
        JsonMappers.JSON.readTree(reply.body()).path("pods").forEach(states::add);
        return states;
    }

    private static List<ClusterPlan.PlannedNamespace> kind(ClusterPlan plan, ClusterPlan.NamespaceKind kind) {
        return plan.namespaces().stream().filter(n -> n.kind() == kind).toList();
    }

    private static ObjectNode newPod(String namespace, String name) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode template = App.WEB.template();
        ObjectNode metadata = pod.putObject("metadata").put("name", name).put("namespace", namespace);
        metadata.set("labels", template.path("metadata").path("labels"));
        pod.set("spec", template.path("spec"));
        return pod;
    }

    private static String firstOf(Set<String> in, Set<String> notIn) {
        return in.stream().filter(name -> !notIn.contains(name)).findFirst().orElse("none");
    }
}
