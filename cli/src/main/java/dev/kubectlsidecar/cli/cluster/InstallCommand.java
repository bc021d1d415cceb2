package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.ChoiceConverter;
import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.ManifestFormat;
import dev.kubectlsidecar.injector.manifest.ManifestWriter;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import dev.kubectlsidecar.injector.text.PrintedText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code kubectl sidecar install}: applies the agent's manifests and waits until it injects. */
@Command(name = "install", sortOptions = false,
        description = "Install the agent (webhook, certificates, RBAC) and wait until it is ready.",
        footer = {"", "Examples:", "  kubectl sidecar install",
                "  kubectl sidecar install --failure-policy Ignore", "  kubectl sidecar install --config mesh.yaml",
                "  kubectl sidecar install --dry-run            # what an upgrade would change",
                "  kubectl sidecar install --dry-run -o yaml > agent.yaml", "  kubectl sidecar install --cert-manager ClusterIssuer/internal-ca",
                "", "On an installed cluster install is an upgrade: settings no flag changes are kept (the cert-manager mode too).",
                "The agent always lives in namespace " + AgentNames.NAMESPACE + ": -n may only name it."})
public final class InstallCommand extends ClusterCommand {
    @Option(names = "--image", paramLabel = "REF", description = "The agent's image (default: " + AgentManifests.DEFAULT_IMAGE + ").")
    String image;

    @Option(names = "--failure-policy", paramLabel = "Fail|Ignore", converter = FailurePolicies.class,
            description = "What the API server does when the agent cannot answer: Fail refuses pods (default), Ignore creates them without a sidecar.")
    String failurePolicy;

    @Option(names = "--port", paramLabel = "PORT", description = "The agent's container port, the Service's target (default: 8443; 443 or 10250 pass GKE private clusters' firewall).")
    String port;

    @Option(names = "--host-network", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Run the agent on the node's network, for control planes that cannot reach pod IPs (EKS with a custom CNI).")
    Boolean hostNetwork;

    @Option(names = "--replicas", paramLabel = "N", description = "Agent replicas (default: 2).")
    String replicas;

    @Option(names = "--node-selector", paramLabel = "KEY=VALUE[,…]", description = "Run the agent only on nodes with these labels (empty: anywhere).")
    String nodeSelector;

    @Option(names = "--tolerations", paramLabel = "KEY[=VALUE][:EFFECT][,…]", description = "Taints the agent tolerates (empty: none).")
    String tolerations;

    @Option(names = "--priority-class", paramLabel = "NAME", description = "The agent pods' PriorityClass (e.g. system-cluster-critical).")
    String priorityClass;

    @Option(names = "--resources", paramLabel = "requests.cpu=Q,limits.memory=Q,…",
            description = "The agent container's requests and limits (default: requests.cpu=50m,requests.memory=128Mi,limits.memory=256Mi).")
    String resources;

    @Option(names = "--cert-manager", paramLabel = "ISSUER",
            description = "Take the agent's serving certificate from cert-manager: NAME (an Issuer in " + AgentNames.NAMESPACE
                    + "), Issuer/NAME or ClusterIssuer/NAME. Its CA injector fills the webhook's caBundle; the agent writes neither.")
    String certManager;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The injection config the agent runs with, written into its ConfigMap (default: the ConfigMap's, else the embedded one); the revisions it names choose the webhooks.")
    Path config;

    @Option(names = "--dry-run",
            description = "Change nothing. On a cluster where the agent is installed, print a diff of what would change (\"no changes\" "
                    + "when none); otherwise, or with -o, print the manifests.")
    boolean dryRun;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", converter = Outputs.class,
            description = "With --dry-run: print the full manifests in this format, installed cluster or not (GitOps).")
    String output;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3m", converter = KubeOptions.DurationConverter.class,
            description = "How long to wait for the agent (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    static final class FailurePolicies extends ChoiceConverter {
        FailurePolicies() {
            super("Fail", "Ignore");
        }
    }

    static final class GitOpsTools extends ChoiceConverter {
        GitOpsTools() {
            super("argocd", "flux");
        }
    }

    static final class Outputs extends ChoiceConverter {
        Outputs() {
            super("yaml", "json");
        }
    }

    private ConfigFile configFile;

    @Option(names = "--gitops", paramLabel = "argocd|flux", converter = GitOpsTools.class,
            description = "With --dry-run: also print (on stderr) what the GitOps tool must leave alone (the webhook's caBundle: the "
                    + "agent's, or cert-manager's CA injector's).")
    String gitops;

    @Override
    protected Integer withoutCluster() {
        refuseOtherNamespace();
        AgentSettings given = given();
        configFile = config == null ? null : ConfigFile.read(config);
        if (!dryRun) {
            return null;
        }
        // GitOps: no cluster needed to print the manifests; from an installed cluster they carry what it runs with.
        List<ObjectNode> resources = render(given, null);
        String diff = null;
        if (kube.kubeconfigFound()) {
            try (KubernetesClient client = kube.client()) {
                InstalledAgent installed = InstalledAgent.read(client);
                AgentSettings settings = given.over(installed.settings());
                List<ObjectNode> live = render(settings, client);
                if (output == null && installed.exists()) {
                    installed.requireSameMode(settings);
                    diff = InstallDiff.of(client, live);
                } else if (!"flux".equals(gitops) && settings.certManager() == null) {
                    // Flux applies server-side: a caBundle it never set stays the agent's; cert-manager's CA injector owns it
                    live.forEach(resource -> keepCaBundle(client, resource));
                }
                resources = live;
            } catch (KubernetesClientException e) {
                if (e.getStatus() != null) { // the cluster answered (forbidden, ...): a diff or live values cannot be had
                    throw explain(e, kube);
                }
                err().println("note: " + explain(e, kube).getMessage() + "; printing the manifests as they ship");
            }
        }
        if (diff == null) {
            out().print(ManifestWriter.write(List.copyOf(resources), "json".equals(output) ? ManifestFormat.JSON : ManifestFormat.YAML));
        } else {
            out().print(diff.isEmpty() ? "no changes\n" : diff);
        }
        out().flush();
        if (gitops != null) {
            err().print(GitOpsRules.of(gitops, resources.stream().anyMatch(r -> "Certificate".equals(r.path("kind").asString()))));
            err().flush();
        }
        return 0;
    }

    @Override
    protected int run(KubernetesClient client) throws InterruptedException {
        InstalledAgent installed = InstalledAgent.read(client);
        AgentSettings settings = given().over(installed.settings());
        installed.requireSameMode(settings);
        if (settings.certManager() != null) {
            CertManagerApi.require(client, settings.certManager()).ifPresent(warning -> err().println("warning: " + PrintedText.escape(warning)));
            CertManagerIssuer before = installed.settings().certManager();
            if (before != null && !before.equals(settings.certManager())) {
                err().println("warning: the serving certificate is reissued by " + settings.certManager().describe() + "; until "
                        + "cert-manager's CA injector has written its CA into the webhook (seconds), the API server may refuse the "
                        + "agent's certificate, and with failurePolicy Fail pods of enabled namespaces are refused meanwhile "
                        + "(switch with --failure-policy Ignore, then back)");
            }
        }
        List<String> changes = settings.changesFrom(installed.settings());
        if (!changes.isEmpty()) {
            out().println("upgrading the installed agent; settings that change (the others are kept):");
            changes.forEach(change -> out().println("  " + PrintedText.escape(change)));
        }
        for (ObjectNode resource : render(settings, client)) {
            keepCaBundle(client, resource);
            HasMetadata object = Serialization.unmarshal(JsonMappers.JSON.writeValueAsString(resource), HasMetadata.class);
            HasMetadata existing = client.resource(object).get();
            if (existing == null) {
                client.resource(object).create();
                out().println(AgentManifests.describe(resource) + " created");
            } else if (existing instanceof Namespace namespace) {
                out().println(AgentManifests.describe(resource) + " " + keepOrLabel(client, namespace, resource));
            } else if (Desired.heldBy(resource, JsonMappers.JSON.readTree(Serialization.asJson(existing)))) {
                out().println(AgentManifests.describe(resource) + " unchanged");
            } else {
                client.resource(object).update();
                out().println(AgentManifests.describe(resource) + " configured");
            }
        }
        out().flush();
        boolean certificate = settings.certManager() != null;
        if (!waitUntilReady(client, timeout, certificate)) {
            if (out().checkError()) {
                return 1; // stdout went away (e.g. | head): nobody is reading the progress
            }
            err().println("error: the agent is not ready after " + KubeOptions.DurationConverter.text(timeout) + ": kubectl -n " + AgentNames.NAMESPACE
                    + " get pods; kubectl -n " + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT
                    + (certificate ? "; kubectl -n " + AgentNames.NAMESPACE + " describe certificate " + AgentNames.CERTIFICATE : "")
                    + " (then `kubectl sidecar verify`)");
            return 1;
        }
        out().println();
        out().println("The agent is ready. Next:");
        out().println("  kubectl sidecar enable NAMESPACE     # inject new pods of a namespace");
        out().println("  kubectl sidecar verify               # check the whole path");
        return 0;
    }

    /**
     * The manifests for the config the agent is to run with: {@code --config}'s, else the cluster's ({@code client}
     * may be null: none reachable), else the embedded one.
     */
    private List<ObjectNode> render(AgentSettings settings, KubernetesClient client) {
        InjectionConfig injection = configFile != null ? configFile.config()
                : client != null ? ClusterInjectionConfig.load(client) : ConfigLoader.embeddedDefault();
        WebhookSelection.unservable(injection).ifPresent(reason -> {
            throw new UserError((configFile != null ? "--config " + config
                    : "ConfigMap " + AgentNames.NAMESPACE + "/" + AgentNames.CONFIG_MAP) + ": " + reason);
        });
        return AgentManifests.render(settings, injection, configFile == null ? null : configFile.text());
    }

    /**
     * A namespace that was there before install (an Issuer for --cert-manager lives in it, say) is the user's: it is
     * never replaced (a PUT would drop its labels and annotations, and stamping our label on it would have uninstall
     * delete it); ours gets the manifest's labels merged in, nothing else touched.
     */
    private static String keepOrLabel(KubernetesClient client, Namespace existing, ObjectNode resource) {
        if (!AgentNames.createdByInstall(existing)) {
            return "kept as it is (not created by kubectl sidecar install)";
        }
        Map<String, String> labels = existing.getMetadata().getLabels();
        Map<String, String> desired = new java.util.TreeMap<>();
        resource.at("/metadata/labels").properties().forEach(label -> desired.put(label.getKey(), label.getValue().asString()));
        if (labels.entrySet().containsAll(desired.entrySet())) {
            return "unchanged";
        }
        client.namespaces().withName(existing.getMetadata().getName()).edit(namespace -> {
            namespace.getMetadata().getLabels().putAll(desired);
            return namespace;
        });
        return "configured";
    }

    /** The settings the flags give; null for each flag not given. */
    private AgentSettings given() {
        return new AgentSettings(image, failurePolicy, AgentSettings.port("--port", port), hostNetwork,
                AgentSettings.replicas("--replicas", replicas), AgentSettings.labels("--node-selector", nodeSelector),
                AgentSettings.tolerations("--tolerations", tolerations), AgentSettings.name("--priority-class", priorityClass),
                AgentSettings.resources("--resources", resources), CertManagerIssuer.parse("--cert-manager", certManager));
    }

    /**
     * A re-install must not wipe the caBundle the agent (or cert-manager's CA injector) wrote: it would be written
     * again, but pods would fail meanwhile.
     */
    private static void keepCaBundle(KubernetesClient client, ObjectNode resource) {
        if (!"MutatingWebhookConfiguration".equals(resource.path("kind").asString())) {
            return;
        }
        MutatingWebhookConfiguration current = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(resource.at("/metadata/name").asString()).get();
        if (current == null || current.getWebhooks() == null) {
            return;
        }
        // Every webhook carries the one bundle: a webhook that is new (another revision's) takes it too.
        current.getWebhooks().stream().map(w -> w.getClientConfig().getCaBundle()).filter(bundle -> bundle != null && !bundle.isEmpty())
                .findFirst()
                .ifPresent(bundle -> resource.path("webhooks").forEach(webhook -> ((ObjectNode) webhook.path("clientConfig")).put("caBundle", bundle)));
    }

    /**
     * Why the Deployment makes no progress, from its conditions: ReplicaFailure (e.g. a quota or Pod Security
     * refused the pods), or Available/Progressing false for a reason other than still starting.
     */
    static Optional<String> notProgressing(Deployment deployment) {
        if (deployment == null || deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return deployment.getStatus().getConditions().stream()
                .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())
                        || !"ReplicaFailure".equals(c.getType()) && "False".equals(c.getStatus())
                        && !STARTING.contains(String.valueOf(c.getReason())))
                .map(c -> c.getReason() + ": " + c.getMessage())
                .findFirst();
    }

    private static Optional<String> certificateNotReady(KubernetesClient client) {
        JsonNode certificate = CertManagerApi.certificate(client);
        return certificate == null ? Optional.of("not found") : CertManagerApi.notReady(certificate);
    }

    /** Reasons a Deployment gives while its pods are merely starting. */
    private static final Set<String> STARTING = Set.of("MinimumReplicasUnavailable", "ReplicaSetUpdated", "NewReplicaSetCreated",
            "FoundNewReplicaSet");

    /** @param certificate whether cert-manager issues the agent's certificate (its Certificate must be Ready) */
    private boolean waitUntilReady(KubernetesClient client, Duration limit, boolean certificate) throws InterruptedException {
        long start = System.nanoTime();
        String last = "";
        while (true) {
            Deployment deployment = client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get();
            int ready = deployment == null || deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
                    ? 0 : deployment.getStatus().getReadyReplicas();
            int wanted = deployment == null || deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            MutatingWebhookConfiguration webhook = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName(AgentNames.WEBHOOK_CONFIGURATION).get();
            boolean bundle = webhook != null && webhook.getWebhooks() != null && !webhook.getWebhooks().isEmpty()
                    && webhook.getWebhooks().stream().allMatch(w -> w.getClientConfig().getCaBundle() != null && !w.getClientConfig().getCaBundle().isEmpty());
            // An upgrade rolls the agent: the old replicas are ready until the new ones take over.
            boolean rolledOut = deployment != null
                    && RolloutProgress.of(JsonMappers.JSON.readTree(Serialization.asJson(deployment))).done();
            Optional<String> unissued = certificate ? certificateNotReady(client) : Optional.empty();
            String state = "waiting for the agent: " + ready + "/" + wanted + " ready, caBundle " + (bundle ? "set" : "not set yet")
                    + unissued.map(why -> ", Certificate not ready (" + why + ")").orElse("")
                    + (ready > 0 && !rolledOut ? ", rollout in progress" : "")
                    + notProgressing(deployment).map(why -> " (" + why + ")").orElse("");
            if (!state.equals(last)) {
                out().println(PrintedText.escape(state));
                out().flush();
                last = state;
            }
            if (out().checkError()) {
                return false;
            }
            if (ready > 0 && bundle && rolledOut && unissued.isEmpty()) {
                return true;
            }
            if (Duration.ofNanos(System.nanoTime() - start).compareTo(limit) > 0) {
                return false;
            }
            Thread.sleep(1000);
        }
    }
}
