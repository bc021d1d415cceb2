package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.cli.CliRunner;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** install/uninstall against the mock API server, which runs no agent (the end-to-end tests run a real one). */
@EnableKubernetesMockClient(crud = true)
class InstallUninstallCommandTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void everyManifestFileIsListedInApplyOrder() throws IOException {
        Path folder = Path.of(System.getProperty("repo.dir", "..")).resolve("cli/src/main/resources/dev/kubectlsidecar/cli/manifests");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList())
                    .isEqualTo(Stream.concat(AgentManifests.FILES.stream(), Stream.of(AgentManifests.CERTIFICATE_FILE)).sorted().toList());
        }
        try (Stream<Path> files = Files.list(folder.resolve("cert-manager"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("each replaces its namesake").isSubsetOf(AgentManifests.FILES);
        }
    }

    private static JsonNode item(CliRunner.Result run, String kind) {
        for (JsonNode item : tools.jackson.databind.json.JsonMapper.shared().readTree(run.out()).path("items")) {
            if (kind.equals(item.path("kind").asString())) {
                return item;
            }
        }
        throw new AssertionError("no " + kind + " in " + run.out());
    }

    @Test
    void withCertManagerTheManifestsCarryTheCertificateTheAnnotationNoCaBundleAndLessRbac() {
        CliRunner.Result run = CliRunner.run("install", "--dry-run", "-o", "json", "--cert-manager", "clusterissuer/internal-ca");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode certificate = item(run, "Certificate");
        assertThat(certificate.path("apiVersion").asString()).isEqualTo("cert-manager.io/v1");
        assertThat(certificate.at("/spec/issuerRef").toString()).isEqualTo("{\"group\":\"cert-manager.io\",\"kind\":\"ClusterIssuer\",\"name\":\"internal-ca\"}");
        assertThat(certificate.at("/spec/secretName").asString()).isEqualTo("kubectl-sidecar-agent-cert-manager-tls");
        assertThat(certificate.at("/spec/dnsNames").toString()).isEqualTo("[\"kubectl-sidecar-agent.kubectl-sidecar.svc\",\"kubectl-sidecar-agent\","
                + "\"kubectl-sidecar-agent.kubectl-sidecar\",\"kubectl-sidecar-agent.kubectl-sidecar.svc.cluster.local\"]");
        JsonNode webhooks = item(run, "MutatingWebhookConfiguration");
        assertThat(webhooks.at("/metadata/annotations").toString())
                .isEqualTo("{\"cert-manager.io/inject-ca-from\":\"kubectl-sidecar/kubectl-sidecar-agent\"}");
        assertThat(run.out()).doesNotContain("caBundle");
        assertThat(item(run, "Deployment").at("/spec/template/spec/containers/0/env").toString())
                .contains("{\"name\":\"AGENT_TLS_MODE\",\"value\":\"cert-manager\"}");
        List<String> kinds = new java.util.ArrayList<>();
        tools.jackson.databind.json.JsonMapper.shared().readTree(run.out()).path("items").forEach(i -> kinds.add(i.path("kind").asString()));
        assertThat(kinds).as("issued before the agent starts").containsSubsequence("Certificate", "Deployment");
        assertThat(item(run, "Role").path("rules").toString()).doesNotContain("create").doesNotContain("leases")
                .contains("kubectl-sidecar-agent-cert-manager-tls").doesNotContain("\"kubectl-sidecar-agent-tls\"");
        assertThat(item(run, "ClusterRole").path("rules").toString()).doesNotContain("mutatingwebhookconfigurations");

        assertThat(item(CliRunner.run("install", "--dry-run", "-o", "json", "--cert-manager", "ca"), "Certificate").at("/spec/issuerRef")
                .toString()).isEqualTo("{\"group\":\"cert-manager.io\",\"kind\":\"Issuer\",\"name\":\"ca\"}");
        assertThat(CliRunner.run("install", "--dry-run", "--cert-manager", "Vault/ca").err()).isEqualTo("error: invalid --cert-manager "
                + "\"Vault/ca\": the kind is Issuer or ClusterIssuer (NAME, Issuer/NAME or ClusterIssuer/NAME)\n");
        assertThat(CliRunner.run("install", "--dry-run", "--cert-manager", "Issuer/My_CA").err())
                .startsWith("error: invalid --cert-manager \"Issuer/My_CA\": name an issuer (a lowercase DNS subdomain)");
    }

    @Test
    void withCertManagerOnAClusterWithoutItsCrdsNothingIsAppliedAndTheErrorSaysToInstallItFirst() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        CliRunner.Result run = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s", "--cert-manager", "ca");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: --cert-manager: the cluster serves no cert-manager.io/v1 Certificate, Issuer and "
                + "ClusterIssuer (cert-manager's CRDs are not registered): install cert-manager first "
                + "(https://cert-manager.io/docs/installation/), or install without --cert-manager\n");
        assertThat(client.namespaces().withName("kubectl-sidecar").get()).isNull();
    }

    @Test
    void aDryRunOnAnInstalledClusterPrintsWhatWouldChangeAndWithOutputTheManifests() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
        try {
            CliRunner.Result same = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run");
            assertThat(same.exitCode()).as(same.err()).isZero();
            assertThat(same.out()).isEqualTo("no changes\n");

            CliRunner.Result more = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run", "--replicas", "3",
                    "--image", "mirror.example/agent:2");
            assertThat(more.exitCode()).as(more.err()).isZero();
            assertThat(more.out()).startsWith("--- live/deployment/kubectl-sidecar-agent\n+++ install/deployment/kubectl-sidecar-agent\n@@ ")
                    .contains("\n-  replicas: 2\n+  replicas: 3\n")
                    .contains("\n-        image: ghcr.io/kubectl-sidecar/agent:0.1.0\n+        image: mirror.example/agent:2\n")
                    .doesNotContain("service/").doesNotContain("namespace/");
            assertThat(client.apps().deployments().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").get().getSpec()
                    .getReplicas()).as("a dry run").isEqualTo(2);

            client.rbac().roles().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").delete();
            assertThat(CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run").out())
                    .startsWith("--- /dev/null\n+++ install/role/kubectl-sidecar-agent\n@@ -0,0 +1,");

            client.services().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").edit(service -> {
                service.getMetadata().getLabels().put("app.kubernetes.io/name", "agent\u202e");
                return service;
            });
            assertThat(CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run").out())
                    .as("the cluster's text, escaped").contains("agent\\u202e").doesNotContain("\u202e");

            CliRunner.Result manifests = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run", "-o", "yaml");
            assertThat(ManifestReader.read("out", manifests.out())).as("-o: the manifests, for GitOps").hasSize(AgentManifests.FILES.size());
        } finally {
            CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString());
        }
    }

    @Test
    void aDryRunWhoseClusterCannotBeReachedPrintsTheManifestsAndSaysWhy() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, "http://127.0.0.1:1/", "default");
        CliRunner.Result run = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--dry-run");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ManifestReader.read("out", run.out())).hasSize(AgentManifests.FILES.size());
        assertThat(run.err()).startsWith("note: cannot reach the cluster at http://127.0.0.1:1/").endsWith("; printing the manifests as they ship\n");
    }

    @Test
    void dryRunPrintsTheManifestsWithTheChosenImageAndFailurePolicy() {
        CliRunner.Result run = CliRunner.run("install", "--dry-run", "-o", "yaml", "--image", "registry.example/agent:9", "--failure-policy", "Ignore");
        assertThat(run.exitCode()).as(run.err()).isZero();
        var documents = ManifestReader.read("out", run.out());
        assertThat(documents).hasSize(AgentManifests.FILES.size());
        String text = run.out();
        assertThat(text).contains("image: registry.example/agent:9").contains("failurePolicy: Ignore").doesNotContain("failurePolicy: Fail");
        assertThat(CliRunner.run("install", "--failure-policy", "Sometimes").err())
                .isEqualTo("error: invalid argument \"Sometimes\" for \"--failure-policy\" flag: must be one of Fail, Ignore\n"
                        + "See 'kubectl sidecar install --help' for usage.\n");
    }

    @Test
    void theConfigGoesIntoTheConfigMapAndItsRevisionChoosesTheWebhooks() throws IOException {
        Path config = Files.writeString(dir.resolve("mesh.yaml"), AgentWebhooksTest.configText("canary"));
        CliRunner.Result run = CliRunner.run("install", "--dry-run", "-o", "yaml", "--config", config.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        var documents = ManifestReader.read("out", run.out());
        assertThat(documents).hasSize(AgentManifests.FILES.size() + 1);
        JsonNode map = documents.get(1).tree();
        assertThat(map.path("kind").asString()).isEqualTo("ConfigMap");
        assertThat(map.at("/metadata/name").asString()).isEqualTo("kubectl-sidecar-config");
        assertThat(map.at("/data/config.yaml").asString()).isEqualTo(AgentWebhooksTest.configText("canary"));
        assertThat(run.out()).contains("name: rev.namespace.sidecar.kubectl-sidecar.dev")
                .contains("name: rev.object.sidecar.kubectl-sidecar.dev").doesNotContain("name: namespace.sidecar");

        Path envoyDefault = Files.writeString(dir.resolve("envoy.yaml"),
                AgentWebhooksTest.configText("canary").replace("defaultProfile: istio", "defaultProfile: envoy"));
        CliRunner.Result notDefault = CliRunner.run("install", "--dry-run", "--config", envoyDefault.toString());
        assertThat(notDefault.exitCode()).isEqualTo(1);
        assertThat(notDefault.out()).isEmpty();
        assertThat(notDefault.err()).isEqualTo("error: --config " + envoyDefault + ": the config names revision canary, but not on "
                + "its default profile (envoy): pods selected by istio.io/rev=canary would get envoy's sidecar; set defaultProfile "
                + "to the profile that names the revision\n");
        String canary = AgentWebhooksTest.configText("canary");
        String istioProfile = canary.substring(canary.indexOf("\n  istio:\n") + 1); // the last profile of the file
        Path twoRevisions = Files.writeString(dir.resolve("two.yaml"), canary + istioProfile.replace("  istio:\n", "  istio-stable:\n")
                .replace("revision: \"canary\"", "revision: \"stable\""));
        CliRunner.Result two = CliRunner.run("install", "--dry-run", "--config", twoRevisions.toString());
        assertThat(two.exitCode()).isEqualTo(1);
        assertThat(two.err()).isEqualTo("error: --config " + twoRevisions + ": the config names revisions canary, stable: a pod "
                + "selected by istio.io/rev gets the default profile (istio) whatever revision selected it, so one revision, named on "
                + "the default profile, is what the agent serves\n");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), AgentWebhooksTest.configText("Canary!"));
        CliRunner.Result refused = CliRunner.run("install", "--dry-run", "--config", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: " + bad + ": profiles.istio.mesh.revision: must be a revision name");
        assertThat(refused.out()).isEmpty();
        Path big = Files.writeString(dir.resolve("big.yaml"), "#".repeat(ConfigFile.MAX_BYTES + 1));
        assertThat(CliRunner.run("install", "--dry-run", "--config", big.toString()).err())
                .isEqualTo("error: --config " + big + ": more than 1048565 bytes, more than a ConfigMap holds under its key config.yaml\n");
        Path atTheLimit = Files.writeString(dir.resolve("limit.yaml"), AgentWebhooksTest.configText("canary")
                + "#".repeat(ConfigFile.MAX_BYTES - AgentWebhooksTest.configText("canary").length() - 1) + "\n");
        assertThat(Files.size(atTheLimit)).isEqualTo(ConfigFile.MAX_BYTES);
        assertThat(CliRunner.run("install", "--dry-run", "-o", "yaml", "--config", atTheLimit.toString()).exitCode())
                .as("exactly at the limit").isZero();
        assertThat(CliRunner.run("install", "--dry-run", "--config", dir.resolve("none.yaml").toString()).err())
                .isEqualTo("error: --config " + dir.resolve("none.yaml") + ": cannot read: No such file or directory\n");
    }

    @Test
    void theKnobsAreVisibleInTheDryRunOutput() {
        CliRunner.Result run = CliRunner.run("install", "--dry-run", "-o", "json", "--port", "10250", "--host-network",
                "--replicas", "3", "--node-selector", "pool=system,kubernetes.io/os=linux", "--tolerations",
                "dedicated=infra:NoSchedule,CriticalAddonsOnly", "--priority-class", "system-cluster-critical",
                "--resources", "requests.cpu=100m,limits.memory=512Mi");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode deployment = null;
        for (JsonNode item : tools.jackson.databind.json.JsonMapper.shared().readTree(run.out()).path("items")) {
            if ("Deployment".equals(item.path("kind").asString())) {
                deployment = item;
            }
        }
        assertThat(deployment).as(run.out()).isNotNull();
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode agent = pod.path("containers").get(0);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(agent.path("ports").get(0).path("containerPort").asInt()).isEqualTo(10250);
        assertThat(agent.path("env").toString()).contains("{\"name\":\"AGENT_PORT\",\"value\":\"10250\"}");
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.path("dnsPolicy").asString()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(pod.path("nodeSelector").toString()).isEqualTo("{\"pool\":\"system\",\"kubernetes.io/os\":\"linux\"}");
        assertThat(pod.path("tolerations").toString()).isEqualTo("[{\"key\":\"dedicated\",\"operator\":\"Equal\",\"value\":\"infra\","
                + "\"effect\":\"NoSchedule\"},{\"key\":\"CriticalAddonsOnly\",\"operator\":\"Exists\"}]");
        assertThat(pod.path("priorityClassName").asString()).isEqualTo("system-cluster-critical");
        assertThat(agent.path("resources").toString()).isEqualTo("{\"requests\":{\"cpu\":\"100m\"},\"limits\":{\"memory\":\"512Mi\"}}");
    }

    @Test
    void aBadKnobIsOneLineNamingTheFlagAndTheValue() {
        assertThat(CliRunner.run("install", "--dry-run", "--port", "70000").err())
                .startsWith("error: invalid --port \"70000\": use a port number from 1 to 65535");
        assertThat(CliRunner.run("install", "--dry-run", "--replicas", "0").err()).startsWith("error: invalid --replicas \"0\"");
        assertThat(CliRunner.run("install", "--dry-run", "--node-selector", "pool").err()).startsWith("error: invalid --node-selector \"pool\"");
        assertThat(CliRunner.run("install", "--dry-run", "--tolerations", "a:Sometimes").err()).startsWith("error: invalid --tolerations \"a:Sometimes\"");
        assertThat(CliRunner.run("install", "--dry-run", "--resources", "requests.cpu=lots").err())
                .startsWith("error: invalid --resources \"requests.cpu=lots\": lots is not a Kubernetes quantity");
        assertThat(CliRunner.run("install", "--dry-run", "--resources", "cpu=1").err()).startsWith("error: invalid --resources \"cpu=1\"");
        assertThat(CliRunner.run("install", "--dry-run", "--priority-class", "Critical!").err()).startsWith("error: invalid --priority-class");
    }

    @Test
    void aNamespaceThatWasThereBeforeIsKeptAsItIsByInstallAndUninstall() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("kubectl-sidecar").addToLabels("team", "platform").addToAnnotations("owner", "sre").endMetadata().build()).create();
        try {
            CliRunner.Result install = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
            assertThat(install.out()).contains("namespace/kubectl-sidecar kept as it is (not created by kubectl sidecar install)\n");
            var namespace = client.namespaces().withName("kubectl-sidecar").get();
            assertThat(namespace.getMetadata().getLabels()).containsEntry("team", "platform").doesNotContainKey("app.kubernetes.io/name");
            assertThat(namespace.getMetadata().getAnnotations()).containsEntry("owner", "sre");

            CliRunner.Result uninstall = CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString());
            assertThat(uninstall.out()).contains("namespace/kubectl-sidecar kept (not created by kubectl sidecar install)");
            assertThat(client.namespaces().withName("kubectl-sidecar").get()).isNotNull();
        } finally {
            client.namespaces().withName("kubectl-sidecar").delete();
        }
    }

    @Test
    void ourNamespaceGetsTheManifestsLabelsMergedKeepingEveryoneElses() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
        try {
            client.namespaces().withName("kubectl-sidecar").edit(ns -> {
                ns.getMetadata().getLabels().put("team", "platform");
                ns.getMetadata().getLabels().remove("pod-security.kubernetes.io/enforce");
                return ns;
            });
            CliRunner.Result again = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
            assertThat(again.out()).contains("namespace/kubectl-sidecar configured\n");
            assertThat(client.namespaces().withName("kubectl-sidecar").get().getMetadata().getLabels())
                    .containsEntry("team", "platform").containsEntry("pod-security.kubernetes.io/enforce", "restricted");
            assertThat(CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s").out())
                    .contains("namespace/kubectl-sidecar unchanged\n");
        } finally {
            CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString());
        }
    }

    @Test
    void aReinstallKeepsTheKnobsTheFlagsDoNotChangeAndSaysWhatChanges() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s", "--replicas", "1",
                "--priority-class", "system-cluster-critical", "--failure-policy", "Ignore", "--image", "mirror.example/agent:1");

        CliRunner.Result again = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s", "--replicas", "3");

        assertThat(again.out()).contains("upgrading the installed agent; settings that change (the others are kept):\n  replicas: 1 → 3\n");
        var deployment = client.apps().deployments().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").get();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getTemplate().getSpec().getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("mirror.example/agent:1");
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").get()
                .getWebhooks()).allSatisfy(w -> assertThat(w.getFailurePolicy()).isEqualTo("Ignore"));
        CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString());
    }

    @Test
    void installAppliesEverythingThenSaysTheAgentIsNotReadyAndUninstallRemovesIt() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        CliRunner.Result install = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "2s");
        assertThat(install.out()).contains("namespace/kubectl-sidecar created", "deployment/kubectl-sidecar-agent created",
                "mutatingwebhookconfiguration/kubectl-sidecar created", "waiting for the agent: 0/2 ready, caBundle not set yet");
        assertThat(install.exitCode()).isEqualTo(1);
        assertThat(install.err()).startsWith("error: the agent is not ready after 2s: kubectl -n kubectl-sidecar get pods");
        assertThat(client.apps().deployments().inNamespace("kubectl-sidecar").withName("kubectl-sidecar-agent").get()).isNotNull();

        CliRunner.Result again = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
        assertThat(again.out()).as("nothing changed, as kubectl apply says it").contains("deployment/kubectl-sidecar-agent unchanged")
                .doesNotContain("configured").doesNotContain("created");
        CliRunner.Result otherImage = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s",
                "--image", "registry.example/agent:2");
        assertThat(otherImage.out()).contains("deployment/kubectl-sidecar-agent configured", "namespace/kubectl-sidecar unchanged");

        CliRunner.Result uninstall = CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString());
        assertThat(uninstall.exitCode()).isZero();
        List<String> lines = uninstall.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("mutatingwebhookconfiguration/kubectl-sidecar deleted");
        assertThat(lines).contains("namespace/kubectl-sidecar deleted", "clusterrole/kubectl-sidecar-agent deleted");
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("kubectl-sidecar").get()).isNull();
        assertThat(client.rbac().clusterRoles().withName("kubectl-sidecar-agent").get()).isNull();
        assertThat(CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString()).out().lines().limit(AgentManifests.FILES.size()))
                .allMatch(line -> line.endsWith(" not found"));
    }

    @Test
    void whileWaitingInstallSaysWhyTheDeploymentMakesNoProgress() throws IOException {
        Path kubeconfig = Kubeconfigs.write(dir, server.url("/"), "default");
        for (var resource : AgentManifests.render(AgentSettings.DEFAULTS)) {
            var object = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                    dev.kubectlsidecar.injector.json.JsonMappers.JSON.writeValueAsString(resource), io.fabric8.kubernetes.api.model.HasMetadata.class);
            if (object instanceof io.fabric8.kubernetes.api.model.apps.Deployment deployment) {
                deployment.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().addNewCondition()
                        .withType("Available").withStatus("False").withReason("AgentNotStarted")
                        .withMessage("no agent jar").endCondition().build());
            }
            client.resource(object).createOr(r -> r.update());
        }
        try {
            CliRunner.Result install = CliRunner.run("install", "--kubeconfig", kubeconfig.toString(), "--timeout", "0s");
            assertThat(install.out()).contains("waiting for the agent: 0/2 ready, caBundle not set yet (AgentNotStarted: no agent jar)");
            assertThat(install.exitCode()).isEqualTo(1);
        } finally {
            assertThat(CliRunner.run("uninstall", "--kubeconfig", kubeconfig.toString()).exitCode()).isZero();
        }
    }
}
