package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.KubectlJson;
import dev.kubectlsidecar.injector.state.PodProblem;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kubectl sidecar rollout}: restarts exactly the workloads whose pods lack their sidecar or run a stale one,
 * one at a time, each waited for until its new pods are injected, verified and ready; stops at the first that fails.
 */
@Command(name = "rollout", sortOptions = false,
        description = "Restart the Deployments, StatefulSets and DaemonSets whose pods miss their sidecar or run a stale one, one at a time.",
        footer = {"", "Exit status: 0 when every workload that needed it was restarted (and is ready, with --wait),"
                + " 1 when one failed or a PodDisruptionBudget held one back.", "",
                "Namespaces: -n NS, repeated (-n shop -n billing) or comma-separated (-n shop,billing), are done in the order given;"
                + " -A does them all (not with -n).", "",
                "Examples:", "  kubectl sidecar rollout -n shop --dry-run", "  kubectl sidecar rollout -n shop -n billing --stale",
                "  kubectl sidecar rollout -A --stale",
                "  kubectl sidecar rollout -n shop --missing --timeout 10m -o json"})
public final class RolloutCommand extends ClusterCommand {
    /** What a new pod must not have after its workload's restart. */
    private static final Set<PodProblem> UNWELL = EnumSet.of(PodProblem.INVALID, PodProblem.MISSING, PodProblem.STALE,
            PodProblem.IPTABLES_MISMATCH, PodProblem.PROXY_NOT_READY);

    @Option(names = {"-A", "--all-namespaces"}, description = "All namespaces.")
    boolean allNamespaces;

    @Option(names = "--missing", description = "Only workloads whose pods should have a sidecar but have none.")
    boolean missing;

    @Option(names = "--stale", description = "Only workloads whose pods run a sidecar the current config would not inject.")
    boolean stale;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only pods matching this label selector.")
    String selector;

    @Option(names = "--dry-run", description = "List what would be restarted; restart nothing.")
    boolean dryRun;

    @Option(names = "--wait", arity = "0..1", defaultValue = "true", fallbackValue = "true", paramLabel = "true|false",
            description = "Wait for each rollout and its new pods before the next (default); --wait=false restarts them all at once.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = KubeOptions.DurationConverter.class,
            description = "How long to wait for each workload (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = {"-o", "--output"}, paramLabel = "json", converter = VerifyCommand.Outputs.class,
            description = "Output format: json (default: text with progress).")
    String output;

    /** Time between two looks at a rollout. */
    Duration pollInterval = Duration.ofSeconds(1);

    private enum Result { RESTARTED, WOULD_RESTART, SKIPPED, FAILED, NOT_STARTED }

    private record Outcome(RolloutPlan.Workload workload, Result result, String message) {
    }

    @Override
    protected Integer withoutCluster() {
        if (allNamespaces && kube.namespaceGiven()) { // cobra's words for flags marked mutually exclusive
            throw new ParameterException(spec.commandLine(), "if any flags in the group [all-namespaces namespace] are set none of "
                    + "the others can be; [all-namespaces namespace] were all set");
        }
        return null;
    }

    @Override
    protected int run(KubernetesClient client) throws InterruptedException {
        Duration limit = timeout;
        boolean both = !missing && !stale;
        List<String> namespaces = allNamespaces ? null : namespaces();
        StatusSource source = new StatusSource(client);
        List<PodSidecarState> pods = new ArrayList<>();
        if (namespaces == null) {
            source.fetch(null, null, selector).pods().stream().sorted(Comparator.comparing(PodSidecarState::namespace)).forEach(pods::add);
        } else {
            namespaces.forEach(namespace -> pods.addAll(source.fetch(namespace, null, selector).pods()));
        }
        RolloutPlan plan = RolloutPlan.of(pods, missing || both, stale || both);
        if (!plan.noWebhook().isEmpty()) {
            throw new UserError(Plural.of(plan.noWebhook().size(), "pod") + " should have a sidecar, but no webhook configuration is installed: restarting them would not inject"
                    + " them; run `kubectl sidecar install` first");
        }
        if (!dryRun && plan.workloads().stream().anyMatch(w -> !w.onlyRemovesSidecars())) {
            requireReadyAgent(client);
        }
        List<Outcome> outcomes = new ArrayList<>();
        if (plan.workloads().isEmpty() && text()) {
            out().println("No workload needs a restart" + (namespaces == null ? ""
                    : namespaces.size() == 1 ? " in namespace " + namespaces.get(0) : " in namespaces " + String.join(", ", namespaces)) + ".");
        }
        boolean failed = false;
        for (RolloutPlan.Workload workload : plan.workloads()) {
            Outcome outcome = failed ? report(new Outcome(workload, Result.NOT_STARTED, "not started: an earlier rollout failed"))
                    : roll(client, source, workload, limit);
            failed |= outcome.result() == Result.FAILED;
            outcomes.add(outcome);
        }
        if (text()) {
            for (PodSidecarState pod : plan.cannotRestart()) {
                out().println(unrestartable(pod) + " cannot be restarted: recreate it (" + problemWords(pod.problems()) + ")");
            }
            summary(outcomes, plan);
        } else {
            out().print(KubectlJson.write(json(outcomes, plan)));
        }
        return outcomes.stream().allMatch(o -> o.result() == Result.RESTARTED || o.result() == Result.WOULD_RESTART) ? 0 : 1;
    }

    /**
     * The namespaces to work through, in the order given: each {@code -n} (which may list several, comma-separated),
     * else the context's namespace.
     */
    private List<String> namespaces() {
        if (!kube.namespaceGiven()) {
            return List.of(kube.namespace());
        }
        Set<String> namespaces = new LinkedHashSet<>();
        for (String given : kube.namespacesGiven()) {
            for (String namespace : given.split(",", -1)) {
                if (namespace.isBlank()) {
                    throw new ParameterException(spec.commandLine(), "invalid argument \"" + given
                            + "\" for \"-n\" flag: a namespace name is empty (use -n NS, repeated or comma-separated)");
                }
                namespaces.add(namespace.strip());
            }
        }
        return List.copyOf(namespaces);
    }

    private Outcome roll(KubernetesClient client, StatusSource source, RolloutPlan.Workload workload, Duration limit)
            throws InterruptedException {
        String why = Plural.of(workload.pods().size(), "pod") + " " + problemWords(workload.problems());
        JsonNode object = fetch(client, workload);
        if (object == null) {
            return report(new Outcome(workload, Result.FAILED, "not found (deleted since its pods were listed)"));
        }
        Optional<String> budget = DisruptionBudgets.blocking(client, workload.namespace(), labels(object));
        if (budget.isPresent()) {
            return report(new Outcome(workload, Result.SKIPPED, "skipped: " + budget.get() + "; run again later"));
        }
        if (dryRun) {
            return report(new Outcome(workload, Result.WOULD_RESTART, "would restart (" + why + ")"));
        }
        progress(workload.describe() + ": restarting (" + why + ")");
        Workloads.restart(client, workload.owner(), workload.namespace());
        if (!await) {
            return report(new Outcome(workload, Result.RESTARTED, "restarted"));
        }
        return report(awaitRollout(client, source, workload, limit));
    }

    private Outcome awaitRollout(KubernetesClient client, StatusSource source, RolloutPlan.Workload workload, Duration limit)
            throws InterruptedException {
        long start = System.nanoTime();
        String last = "";
        while (true) {
            JsonNode object = fetch(client, workload);
            if (object == null) {
                return new Outcome(workload, Result.FAILED, "deleted during its rollout");
            }
            RolloutProgress progress = RolloutProgress.of(object);
            if (progress.failure() != null) {
                return new Outcome(workload, Result.FAILED, "rollout failed: " + progress.failure());
            }
            String state = progress.text();
            String unwell = null;
            if (progress.done()) {
                unwell = unwellPod(source, workload);
                if (unwell == null) {
                    return new Outcome(workload, Result.RESTARTED, "rolled out: " + state + ", every pod injected, verified and ready ("
                            + Duration.ofNanos(System.nanoTime() - start).toSeconds() + "s)");
                }
                state += "; " + unwell;
            }
            if (!state.equals(last)) {
                progress(workload.describe() + ": " + state);
                last = state;
            }
            if (Duration.ofNanos(System.nanoTime() - start).compareTo(limit) > 0) {
                return new Outcome(workload, Result.FAILED, "not done within " + KubeOptions.DurationConverter.text(timeout) + ": " + state
                        + (progress.trouble() != null ? " (" + progress.trouble() + ")" : ""));
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    /** The first pod of the workload that is not yet as it should be after the restart, said why; or null. */
    private static String unwellPod(StatusSource source, RolloutPlan.Workload workload) {
        List<PodSidecarState> pods = source.fetch(workload.namespace(), null, null).pods().stream()
                .filter(pod -> workload.owner().equals(pod.owner())).toList();
        if (pods.isEmpty()) {
            return "no pod yet";
        }
        for (PodSidecarState pod : pods) {
            Set<PodProblem> problems = EnumSet.noneOf(PodProblem.class);
            problems.addAll(pod.problems());
            problems.retainAll(UNWELL);
            if (!problems.isEmpty()) {
                return "pod " + pod.name() + ": " + problemWords(problems)
                        + (pod.lastMessage() == null ? "" : " (" + pod.lastMessage() + ")");
            }
        }
        return null;
    }

    /** Restarting pods that should get a sidecar with no agent to inject them would refuse them or let them in bare. */
    private static void requireReadyAgent(KubernetesClient client) {
        Deployment agent = client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get();
        Integer ready = agent == null || agent.getStatus() == null ? null : agent.getStatus().getReadyReplicas();
        if (ready == null || ready == 0) {
            throw new UserError("the agent has no ready replica (" + AgentNames.NAMESPACE + "/" + AgentNames.DEPLOYMENT
                    + "): restarted pods would be refused or created without a sidecar; check `kubectl -n "
                    + AgentNames.NAMESPACE + " get pods` and `kubectl sidecar verify`");
        }
    }

    private static JsonNode fetch(KubernetesClient client, RolloutPlan.Workload workload) {
        var apps = client.apps();
        Object object = switch (workload.kind()) {
            case "Deployment" -> apps.deployments().inNamespace(workload.namespace()).withName(workload.name()).get();
            case "StatefulSet" -> apps.statefulSets().inNamespace(workload.namespace()).withName(workload.name()).get();
            case "DaemonSet" -> apps.daemonSets().inNamespace(workload.namespace()).withName(workload.name()).get();
            default -> throw new IllegalArgumentException("not restartable: " + workload.owner());
        };
        return object == null ? null : JsonMappers.JSON.readTree(Serialization.asJson(object));
    }

    private static Map<String, String> labels(JsonNode workload) {
        Map<String, String> labels = new java.util.HashMap<>();
        workload.path("spec").path("template").path("metadata").path("labels").properties()
                .forEach(entry -> labels.put(entry.getKey(), entry.getValue().asString("")));
        return labels;
    }

    private static String problemWords(Set<PodProblem> problems) {
        return problems.stream().map(problem -> switch (problem) {
            case MISSING -> "missing their sidecar";
            case STALE -> "with a stale sidecar";
            case INVALID -> "with an invalid annotation";
            case PROXY_BYPASS -> "bypassing the proxy";
            case HELD_BY_PROXY -> "kept running by their proxy after the job";
            case IPTABLES_MISMATCH -> "with an iptables mismatch";
            case PROXY_NOT_READY -> "proxy not ready";
        }).collect(Collectors.joining(", "));
    }

    private static String unrestartable(PodSidecarState pod) {
        String what = pod.owner() == null ? "pod/" + pod.name() + " (no controller)"
                : "pod/" + pod.name() + " of " + pod.owner().toLowerCase(Locale.ROOT);
        return what + " -n " + pod.namespace();
    }

    private boolean text() {
        return output == null;
    }

    private void progress(String line) {
        if (text()) {
            out().println(line);
            out().flush();
        }
    }

    private Outcome report(Outcome outcome) {
        progress(outcome.workload().describe() + ": " + outcome.message());
        return outcome;
    }

    private void summary(List<Outcome> outcomes, RolloutPlan plan) {
        if (outcomes.isEmpty() && plan.cannotRestart().isEmpty()) {
            return;
        }
        Map<Result, Long> counts = outcomes.stream().collect(Collectors.groupingBy(Outcome::result, Collectors.counting()));
        List<String> parts = new ArrayList<>();
        counts.forEach((result, count) -> parts.add(count + " " + switch (result) {
            case RESTARTED -> "restarted";
            case WOULD_RESTART -> "to restart (dry run)";
            case SKIPPED -> "skipped";
            case FAILED -> "failed";
            case NOT_STARTED -> "not started";
        }));
        if (!plan.cannotRestart().isEmpty()) {
            parts.add(Plural.of(plan.cannotRestart().size(), "pod") + " to recreate by hand");
        }
        out().println();
        out().println("Workloads: " + String.join(", ", parts) + ".");
    }

    private static ObjectNode json(List<Outcome> outcomes, RolloutPlan plan) {
        ObjectNode root = Json.object();
        ArrayNode workloads = root.putArray("workloads");
        for (Outcome outcome : outcomes) {
            RolloutPlan.Workload workload = outcome.workload();
            ObjectNode entry = workloads.addObject().put("namespace", workload.namespace()).put("kind", workload.kind())
                    .put("name", workload.name());
            ArrayNode pods = entry.putArray("pods");
            workload.pods().forEach(pod -> pods.add(pod.name()));
            ArrayNode problems = entry.putArray("problems");
            workload.problems().forEach(problem -> problems.add(problem.id()));
            entry.put("result", switch (outcome.result()) {
                case RESTARTED -> "restarted";
                case WOULD_RESTART -> "wouldRestart";
                case SKIPPED -> "skipped";
                case FAILED -> "failed";
                case NOT_STARTED -> "notStarted";
            }).put("message", outcome.message());
        }
        ArrayNode cannot = root.putArray("cannotRestart");
        for (PodSidecarState pod : plan.cannotRestart()) {
            ObjectNode entry = cannot.addObject().put("namespace", pod.namespace()).put("pod", pod.name()).put("owner", pod.owner());
            ArrayNode problems = entry.putArray("problems");
            pod.problems().stream().filter(RolloutPlan.FIXED_BY_RESTART::contains).forEach(p -> problems.add(p.id()));
            entry.put("message", "cannot be restarted: recreate it");
        }
        root.put("success", outcomes.stream().allMatch(o -> o.result() == Result.RESTARTED || o.result() == Result.WOULD_RESTART));
        return root;
    }
}
