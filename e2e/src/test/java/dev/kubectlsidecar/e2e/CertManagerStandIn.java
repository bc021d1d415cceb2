package dev.kubectlsidecar.e2e;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What cert-manager and its CA injector do for the agent, on the local cluster (which registers their CRDs but runs
 * neither). cert-manager's part: a Certificate whose Issuer or ClusterIssuer exists gets a serving certificate for its
 * dnsNames, signed by that issuer's CA (made here, one per issuer), in its {@code spec.secretName} ({@code tls.crt},
 * {@code tls.key}, {@code ca.crt}), and a Ready condition. The CA injector's part: a webhook configuration annotated
 * {@code cert-manager.io/inject-ca-from: NS/NAME} gets that Certificate's {@code ca.crt} as every webhook's
 * caBundle. Both are re-done every 100 ms, so a change (a new issuer, {@link #newCa}) follows as it would.
 */
final class CertManagerStandIn implements AutoCloseable {
    static final String INJECT_CA_FROM = "cert-manager.io/inject-ca-from";
    private static final ResourceDefinitionContext CERTIFICATES = context("Certificate", "certificates", true);
    static final ResourceDefinitionContext ISSUERS = context("Issuer", "issuers", true);
    private static final ResourceDefinitionContext CLUSTER_ISSUERS = context("ClusterIssuer", "clusterissuers", false);

    private final KubernetesClient client;
    private final CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
    /** Each issuer's CA, by {@code Kind/namespace/name}. */
    private final Map<String, CertificateAuthority> authorities = new ConcurrentHashMap<>();
    /** The CA each Certificate's Secret was issued from, by {@code namespace/name}. */
    private final Map<String, CertificateAuthority> issuedFrom = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<String> failures = new ArrayList<>();

    CertManagerStandIn(KubernetesClient client) {
        this.client = client;
    }

    void start() {
        loop.scheduleWithFixedDelay(this::reconcile, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** A new CA for every issuer, as when an issuer's CA is replaced: its certificates are issued again from it. */
    void newCa() {
        authorities.replaceAll((key, old) -> issuer.newAuthority("stand-in " + key, Duration.ofDays(365)));
    }

    /** The CA that signs the certificates of the Issuer {@code name} in {@code namespace}. */
    CertificateAuthority issuerCa(String namespace, String name) {
        return authorities.computeIfAbsent("Issuer/" + namespace + "/" + name,
                key -> issuer.newAuthority("stand-in " + key, Duration.ofDays(365)));
    }

    /** A CA Issuer named {@code name} in {@code namespace} (its CA is the stand-in's). */
    static void createIssuer(KubernetesClient client, String namespace, String name) {
        GenericKubernetesResource issuer = new GenericKubernetesResource();
        issuer.setApiVersion("cert-manager.io/v1");
        issuer.setKind("Issuer");
        issuer.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        issuer.setAdditionalProperty("spec", Map.of("ca", Map.of("secretName", name + "-ca")));
        client.genericKubernetesResources(ISSUERS).inNamespace(namespace).resource(issuer).create();
    }

    private void reconcile() {
        try {
            for (GenericKubernetesResource certificate : client.genericKubernetesResources(CERTIFICATES).inAnyNamespace().list().getItems()) {
                issue(certificate);
            }
            for (MutatingWebhookConfiguration webhooks : client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()) {
                injectCa(webhooks);
            }
        } catch (RuntimeException e) { // the next round tries again
            synchronized (failures) {
                failures.add(e.toString());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void issue(GenericKubernetesResource certificate) {
        String namespace = certificate.getMetadata().getNamespace();
        Map<String, Object> spec = (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
        Map<String, Object> ref = (Map<String, Object>) spec.get("issuerRef");
        String kind = String.valueOf(ref.getOrDefault("kind", "Issuer"));
        String name = String.valueOf(ref.get("name"));
        boolean exists = kind.equals("ClusterIssuer") ? client.genericKubernetesResources(CLUSTER_ISSUERS).withName(name).get() != null
                : client.genericKubernetesResources(ISSUERS).inNamespace(namespace).withName(name).get() != null;
        if (!exists) {
            return; // cert-manager would say IssuerNotFound and wait
        }
        CertificateAuthority ca = authorities.computeIfAbsent(kind + "/" + (kind.equals("ClusterIssuer") ? "" : namespace) + "/" + name,
                key -> issuer.newAuthority("stand-in " + key, Duration.ofDays(365)));
        String key = namespace + "/" + certificate.getMetadata().getName();
        String secretName = String.valueOf(spec.get("secretName"));
        if (ca.equals(issuedFrom.get(key)) && client.secrets().inNamespace(namespace).withName(secretName).get() != null) {
            return;
        }
        ServingCertificate serving = issuer.issueServing(ca, (List<String>) spec.get("dnsNames"), Duration.ofDays(90));
        Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
                .addToAnnotations("cert-manager.io/certificate-name", certificate.getMetadata().getName()).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", base64(Pem.certificates(List.of(serving.certificate()))),
                        "tls.key", base64(Pem.privateKey(serving.key())), "ca.crt", base64(ca.certificatePem())))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(existing -> existing.update());
        certificate.setAdditionalProperty("status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True",
                "reason", "Ready", "message", "Certificate is up to date and has not expired"))));
        client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).resource(certificate).updateStatus();
        issuedFrom.put(key, ca);
    }

    @SuppressWarnings("unchecked")
    private void injectCa(MutatingWebhookConfiguration configuration) {
        Map<String, String> annotations = configuration.getMetadata().getAnnotations();
        String from = annotations == null ? null : annotations.get(INJECT_CA_FROM);
        if (from == null || !from.contains("/")) {
            return;
        }
        GenericKubernetesResource certificate = client.genericKubernetesResources(CERTIFICATES)
                .inNamespace(from.substring(0, from.indexOf('/'))).withName(from.substring(from.indexOf('/') + 1)).get();
        if (certificate == null) {
            return;
        }
        String secretName = String.valueOf(((Map<String, Object>) certificate.getAdditionalProperties().get("spec")).get("secretName"));
        Secret secret = client.secrets().inNamespace(certificate.getMetadata().getNamespace()).withName(secretName).get();
        if (secret == null || secret.getData() == null || secret.getData().get("ca.crt") == null) {
            return;
        }
        String bundle = secret.getData().get("ca.crt");
        if (configuration.getWebhooks().stream().allMatch(w -> bundle.equals(w.getClientConfig().getCaBundle()))) {
            return;
        }
        for (MutatingWebhook webhook : configuration.getWebhooks()) {
            webhook.getClientConfig().setCaBundle(bundle);
        }
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(configuration).update();
    }

    /** What went wrong in rounds so far (for a failing test's message). */
    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup("cert-manager.io").withVersion("v1").withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
