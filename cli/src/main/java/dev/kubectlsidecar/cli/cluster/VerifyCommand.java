package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.ChoiceConverter;
import dev.kubectlsidecar.cli.support.VersionProvider;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.manifest.KubectlJson;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code kubectl sidecar verify}: the whole injection path, linkerd-check style; exit 1 when a check fails. */
@Command(name = "verify", sortOptions = false,
        description = "Check the whole injection path: API server, agent, webhook configuration, certificates, a dry-run injection, the pods.",
        footer = {"", "Exit status: 0 when no check failed (warnings allowed), 1 otherwise.", "",
                "Examples:", "  kubectl sidecar verify", "  kubectl sidecar verify -n shop -o json"})
public final class VerifyCommand extends ClusterCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "json", converter = Outputs.class, description = "Output format: json (default: text).")
    String output;

    @Override
    protected int run(KubernetesClient client) {
        List<CheckResult> results = new ArrayList<>();
        String version = client.getKubernetesVersion().getGitVersion();
        results.add(CheckResult.ok("kubernetes-api", "can reach the API server at " + kube.server() + " (" + version + ")"));
        results.addAll(AgentChecks.run(client, Instant.now()));
        AgentVersion.fetch(client).ifPresent(agent -> results.add(skew(VersionProvider.version(), agent.version())));
        results.addAll(InjectionChecks.run(client, kube.namespaceGiven() ? kube.namespace() : null));
        boolean failed = results.stream().anyMatch(r -> r.level() == CheckResult.Level.FAIL);
        out().print("json".equals(output) ? json(results) : text(results, failed));
        return failed ? 1 : 0;
    }

    /** The CLI renders and checks with its own engine: more than one minor version from the agent's, they may disagree. */
    static CheckResult skew(String cli, String agent) {
        return AgentVersion.minorSkew(cli, agent).filter(minors -> minors > 1)
                .map(minors -> CheckResult.warn(AgentChecks.GROUP, "the CLI (" + cli + ") and the agent (" + agent
                        + ") are more than one minor version apart", "upgrade the older one: `kubectl sidecar install` "
                        + "upgrades the agent to the CLI's version (then `kubectl sidecar rollout --stale`)"))
                .orElseGet(() -> CheckResult.ok(AgentChecks.GROUP, "CLI " + cli + " and agent " + agent + " are within one minor version"));
    }

    static final class Outputs extends ChoiceConverter {
        Outputs() {
            super("json");
        }
    }

    private static String text(List<CheckResult> results, boolean failed) {
        StringBuilder out = new StringBuilder();
        String group = null;
        for (CheckResult result : results) {
            if (!result.group().equals(group)) {
                group = result.group();
                out.append(out.isEmpty() ? "" : "\n").append(group).append('\n').append("-".repeat(group.length())).append('\n');
            }
            out.append(result.level().mark).append(' ').append(PrintedText.escape(result.message())).append('\n');
            result.details().forEach(detail -> out.append("    ").append(PrintedText.escape(detail)).append('\n'));
            if (result.hint() != null) {
                out.append("    see: ").append(PrintedText.escape(result.hint())).append('\n');
            }
        }
        return out.append("\nStatus check results are ").append(failed ? "✘" : "✔").append('\n').toString();
    }

    private static String json(List<CheckResult> results) {
        ObjectNode root = Json.object();
        ArrayNode checks = root.putArray("checks");
        for (CheckResult result : results) {
            ObjectNode check = checks.addObject().put("group", result.group())
                    .put("result", result.level().name().toLowerCase(java.util.Locale.ROOT))
                    .put("message", result.message()).put("hint", result.hint());
            result.details().forEach(check.putArray("details")::add);
        }
        root.put("success", results.stream().noneMatch(r -> r.level() == CheckResult.Level.FAIL));
        return KubectlJson.write(root);
    }
}
