package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.Messages;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.policy.WebhookSelection;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SortedSet;
import tools.jackson.databind.JsonNode;

/** The agent's checks: Deployment available, webhook configuration wired to it, certificates sound. */
final class AgentChecks {
    static final String GROUP = "kubectl-sidecar-agent";
    private static final String SERVICE_DNS = AgentNames.SERVICE + "." + AgentNames.NAMESPACE + ".svc";

    private AgentChecks() {
    }

    static List<CheckResult> run(KubernetesClient client, Instant now) {
        List<CheckResult> results = new ArrayList<>();
        Deployment deployment = client.apps().deployments().inNamespace(AgentNames.NAMESPACE).withName(AgentNames.DEPLOYMENT).get();
        results.add(deployment(deployment));
        MutatingWebhookConfiguration configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(AgentNames.WEBHOOK_CONFIGURATION).get();
        if (configuration == null || configuration.getWebhooks() == null || configuration.getWebhooks().isEmpty()) {
            results.add(CheckResult.fail(GROUP, "webhook configuration " + AgentNames.WEBHOOK_CONFIGURATION + " is missing",
                    "run `kubectl sidecar install`"));
            return results;
        }
        results.add(CheckResult.ok(GROUP, "webhook configuration " + AgentNames.WEBHOOK_CONFIGURATION + " exists"));
        results.add(pointsAtTheService(configuration));
        results.add(excludesSystemNamespaces(configuration));
        results.add(selectsForTheConfig(client, configuration));
        boolean certManager = deployment != null
                && AgentSettings.certManagerMode(JsonMappers.JSON.readTree(Serialization.asJson(deployment)));
        if (certManager) {
            results.addAll(certManagerChecks(client, configuration));
        }
        results.addAll(certificates(client, configuration, now, TlsSource.of(certManager)));
        results.add(failurePolicy(configuration.getWebhooks().get(0).getFailurePolicy(), readyReplicas(deployment) > 0));
        return results;
    }

    /** What the policy in force means, and what it is doing now when no replica can answer. */
    private static CheckResult failurePolicy(String policy, boolean agentReady) {
        boolean ignore = "Ignore".equals(policy);
        String name = "failure policy " + (ignore ? "Ignore" : "Fail");
        if (agentReady) {
            return CheckResult.ok(GROUP, name + (ignore
                    ? ": pods in enabled namespaces are created without a sidecar while the agent is down"
                    : ": pod creation in enabled namespaces fails while the agent is down"));
        }
        String bringBack = "bring the agent back: kubectl -n " + AgentNames.NAMESPACE + " get pods; kubectl -n "
                + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT;
        return ignore
                ? CheckResult.fail(GROUP, name + " and no agent replica is ready: pods in enabled namespaces are being created "
                        + "without a sidecar", bringBack + "; then restart the pods `kubectl sidecar status -A` lists without one")
                : CheckResult.fail(GROUP, name + " and no agent replica is ready: pod creation in enabled namespaces fails now",
                        bringBack);
    }

    private static int readyReplicas(Deployment deployment) {
        Integer ready = deployment == null || deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        return ready == null ? 0 : ready;
    }

    private static CheckResult deployment(Deployment deployment) {
        if (deployment == null) {
            return CheckResult.fail(GROUP, "agent Deployment " + AgentNames.NAMESPACE + "/" + AgentNames.DEPLOYMENT + " is missing",
                    "run `kubectl sidecar install`");
        }
        int wanted = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
        int readyCount = readyReplicas(deployment);
        if (readyCount == 0) {
            return CheckResult.fail(GROUP, "agent Deployment has no ready replica (0/" + wanted + ")",
                    "kubectl -n " + AgentNames.NAMESPACE + " describe deploy/" + AgentNames.DEPLOYMENT
                            + "; kubectl -n " + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT);
        }
        if (readyCount < wanted) {
            return CheckResult.warn(GROUP, "agent Deployment is degraded (" + readyCount + "/" + wanted + " ready)",
                    "kubectl -n " + AgentNames.NAMESPACE + " get pods");
        }
        return CheckResult.ok(GROUP, "agent Deployment is available (" + readyCount + "/" + wanted + " ready)");
    }

    private static CheckResult pointsAtTheService(MutatingWebhookConfiguration configuration) {
        for (MutatingWebhook webhook : configuration.getWebhooks()) {
            var service = webhook.getClientConfig() == null ? null : webhook.getClientConfig().getService();
            if (service == null || !AgentNames.SERVICE.equals(service.getName()) || !AgentNames.NAMESPACE.equals(service.getNamespace())) {
                return CheckResult.fail(GROUP, "webhook " + webhook.getName() + " does not call the agent's Service "
                        + AgentNames.NAMESPACE + "/" + AgentNames.SERVICE, "re-run `kubectl sidecar install` to restore it");
            }
        }
        return CheckResult.ok(GROUP, "webhooks call Service " + AgentNames.NAMESPACE + "/" + AgentNames.SERVICE);
    }

    private static CheckResult excludesSystemNamespaces(MutatingWebhookConfiguration configuration) {
        for (MutatingWebhook webhook : configuration.getWebhooks()) {
            if (!excludes(webhook.getNamespaceSelector(), "kube-system") || !excludes(webhook.getNamespaceSelector(), AgentNames.NAMESPACE)) {
                return CheckResult.fail(GROUP, "webhook " + webhook.getName() + " may be called for kube-system or "
                        + AgentNames.NAMESPACE + " (its namespaceSelector does not exclude them)",
                        "re-run `kubectl sidecar install`: a webhook on its own namespace can lock the agent out");
            }
        }
        return CheckResult.ok(GROUP, "namespaceSelector excludes kube-system and " + AgentNames.NAMESPACE);
    }

    /** The webhooks select for the revisions the config names now (it may have changed since install). */
    private static CheckResult selectsForTheConfig(KubernetesClient client, MutatingWebhookConfiguration configuration) {
        InjectionConfig config;
        try {
            config = ClusterInjectionConfig.load(client);
        } catch (InvalidConfigException | KubernetesClientException e) {
            return CheckResult.fail(GROUP, "the injection config (ConfigMap " + AgentNames.NAMESPACE + "/" + AgentNames.CONFIG_MAP
                    + ") could not be read: " + Messages.firstLine(e.getMessage()),
                    "fix the ConfigMap (the agent serves its last good config meanwhile), then re-run `kubectl sidecar verify`");
        }
        java.util.Optional<String> unservable = WebhookSelection.unservable(config);
        if (unservable.isPresent()) {
            return CheckResult.fail(GROUP, "ConfigMap " + AgentNames.NAMESPACE + "/" + AgentNames.CONFIG_MAP + ": " + unservable.get(),
                    "fix the config, then re-run `kubectl sidecar install`");
        }
        SortedSet<String> revisions = WebhookSelection.revisions(config);
        JsonNode wanted = AgentManifests.render(AgentSettings.DEFAULTS, config, null).stream()
                .filter(resource -> "MutatingWebhookConfiguration".equals(resource.path("kind").asString())).findFirst().orElseThrow();
        String selecting = revisions.isEmpty() ? "namespaces labelled istio-injection=enabled and pods opting in"
                : "istio.io/rev=" + String.join("|", revisions);
        return AgentWebhooks.sameSelection(JsonMappers.JSON.readTree(Serialization.asJson(configuration)), wanted)
                ? CheckResult.ok(GROUP, "webhooks select " + selecting + ", as the injection config says")
                : CheckResult.fail(GROUP, "webhooks do not select " + selecting + ", as the injection config says (it changed since "
                        + "install)", "re-run `kubectl sidecar install` to write the webhooks for the config");
    }

    private static boolean excludes(LabelSelector selector, String namespace) {
        if (selector == null || selector.getMatchExpressions() == null) {
            return false;
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            if ("kubernetes.io/metadata.name".equals(requirement.getKey()) && "NotIn".equals(requirement.getOperator())
                    && requirement.getValues().contains(namespace)) {
                return true;
            }
        }
        return false;
    }

    /** The agent's Certificate is issued and the webhook configuration asks for its CA. */
    private static List<CheckResult> certManagerChecks(KubernetesClient client, MutatingWebhookConfiguration configuration) {
        List<CheckResult> results = new ArrayList<>();
        String name = "Certificate " + AgentNames.NAMESPACE + "/" + AgentNames.CERTIFICATE;
        JsonNode certificate = CertManagerApi.certificate(client);
        if (certificate == null) {
            results.add(CheckResult.fail(GROUP, name + " is missing: cert-manager issues no certificate for the agent",
                    "re-run `kubectl sidecar install --cert-manager ISSUER`"));
        } else {
            results.add(CertManagerApi.notReady(certificate)
                    .map(why -> CheckResult.fail(GROUP, name + " is not Ready (" + why + ")", TlsSource.CERT_MANAGER.reissue()))
                    .orElseGet(() -> CheckResult.ok(GROUP, name + " is Ready (issued by " + CertManagerIssuer.of(certificate) + ")")));
        }
        String wanted = AgentNames.NAMESPACE + "/" + AgentNames.CERTIFICATE;
        String annotation = configuration.getMetadata().getAnnotations() == null ? null
                : configuration.getMetadata().getAnnotations().get(AgentManifests.INJECT_CA_FROM);
        results.add(wanted.equals(annotation)
                ? CheckResult.ok(GROUP, "webhook configuration asks cert-manager for its caBundle (" + AgentManifests.INJECT_CA_FROM + ")")
                : CheckResult.fail(GROUP, "webhook configuration " + AgentNames.WEBHOOK_CONFIGURATION + " lacks annotation "
                        + AgentManifests.INJECT_CA_FROM + ": " + wanted + ", so nothing keeps its caBundle", "re-run `kubectl sidecar install`"));
        return results;
    }

    private static List<CheckResult> certificates(KubernetesClient client, MutatingWebhookConfiguration configuration, Instant now,
                                                  TlsSource source) {
        List<CheckResult> results = new ArrayList<>();
        String bundle = configuration.getWebhooks().get(0).getClientConfig().getCaBundle();
        if (bundle == null || bundle.isEmpty()) {
            results.add(CheckResult.fail(GROUP, "caBundle is empty: the API server cannot trust the agent", source.bundleWriter()));
            return results;
        }
        List<X509Certificate> authorities = PemCertificates.parse(new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII));
        Secret secret = client.secrets().inNamespace(AgentNames.NAMESPACE).withName(source.secret()).get();
        String servingPem = secret == null || secret.getData() == null || secret.getData().get("tls.crt") == null ? null
                : new String(Base64.getDecoder().decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII);
        List<X509Certificate> chain = servingPem == null ? List.of() : PemCertificates.parse(servingPem);
        if (chain.isEmpty()) {
            results.add(CheckResult.fail(GROUP, "serving certificate not found in Secret " + AgentNames.NAMESPACE + "/" + source.secret(),
                    source == TlsSource.AGENT ? "the agent creates it when it starts: kubectl -n " + AgentNames.NAMESPACE + " logs deploy/"
                            + AgentNames.DEPLOYMENT : source.reissue()));
            return results;
        }
        X509Certificate serving = chain.get(0);
        results.add(PemCertificates.signedByOneOf(serving, authorities)
                ? CheckResult.ok(GROUP, "caBundle holds the CA that signed the serving certificate")
                : CheckResult.fail(GROUP, "caBundle does not hold the CA that signed the serving certificate: the API server "
                        + "will refuse the agent's TLS", source == TlsSource.AGENT ? "restart the agent so it repairs the caBundle: kubectl -n "
                        + AgentNames.NAMESPACE + " rollout restart deploy/" + AgentNames.DEPLOYMENT : source.bundleWriter()));
        results.add(PemCertificates.dnsNames(serving).contains(SERVICE_DNS)
                ? CheckResult.ok(GROUP, "serving certificate is valid for " + SERVICE_DNS)
                : CheckResult.fail(GROUP, "serving certificate is not valid for " + SERVICE_DNS + " (names: "
                        + String.join(", ", PemCertificates.dnsNames(serving)) + ")",
                        source.reissue()));
        results.add(CertificateLifetime.check("serving certificate", serving, now));
        authorities.stream().filter(ca -> PemCertificates.signedByOneOf(serving, List.of(ca))).findFirst()
                .ifPresent(ca -> results.add(CertificateLifetime.check("CA " + ca.getSubjectX500Principal().getName()
                        + " (in the caBundle)", ca, now)));
        return results;
    }
}
