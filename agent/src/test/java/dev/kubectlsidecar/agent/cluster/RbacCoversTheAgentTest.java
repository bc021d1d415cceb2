package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingBundle;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import dev.kubectlsidecar.agent.tls.TlsLifetimes;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the agent's cluster side against the mock API server through everything it does — create the Secret, take
 * the Lease, publish and repair the caBundle, renew the certificate, watch its ConfigMap, release the Lease — and
 * checks every request it sent against the install manifests' RBAC: the least privilege is also enough.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoversTheAgentTest {
    static {
        Poll.quietMockServer();
    }

    private static final String NS = "kubectl-sidecar";
    private static final String AGENT = "kubectl-sidecar-agent-under-test";

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void everyRequestTheAgentMakesIsAllowedByItsRoles() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(InClusterSettings.CONFIG_MAP).withNamespace(NS).endMetadata()
                .addToData(InClusterSettings.CONFIG_KEY, "a: 1\n").build()).create();
        List<ServingBundle> bundles = new CopyOnWriteArrayList<>();
        List<String> configs = new CopyOnWriteArrayList<>();

        try (KubernetesClient agentClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build()) {
            InClusterSettings settings = new InClusterSettings(NS, InClusterSettings.DEFAULT_SERVICE,
                    WebhookFixtures.NAME, "agent-0");
            TlsLifetimes lifetimes = new TlsLifetimes(Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofMillis(500));
            InClusterTls tls = new InClusterTls(agentClient, settings, lifetimes, LeaderElectionTest.FAST, Clock.systemUTC(),
                    bundles::add);
            ConfigMapWatcher config = new ConfigMapWatcher(agentClient, NS, InClusterSettings.CONFIG_MAP,
                    InClusterSettings.CONFIG_KEY, configs::add);
            tls.start();
            config.start();
            Poll.until("a renewed certificate", () -> bundles.size() >= 2);
            Poll.until("the configuration", () -> configs.size() == 1);
            client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookFixtures.NAME)
                    .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"\"}]");
            Poll.until("the caBundle repaired", () -> !WebhookFixtures.caBundles(client, WebhookFixtures.NAME).get(0).isEmpty());
            tls.close();
            config.close();
        }

        RbacAuthorizer rbac = new RbacAuthorizer(InstallManifests.one(ClusterRole.class).getRules(),
                InstallManifests.one(Role.class).getRules(), NS);
        Set<String> sent = new TreeSet<>();
        List<String> denied = new ArrayList<>();
        for (RecordedRequest request : recorded()) {
            if (!AGENT.equals(request.getHeader("User-Agent"))) {
                continue;
            }
            var attributes = RbacAuthorizer.attributes(request.getMethod(), request.getPath());
            String described = attributes.verb() + " " + attributes.group() + "/" + attributes.resource() + " " + attributes.name();
            sent.add(described);
            if (!rbac.allows(request.getMethod(), request.getPath())) {
                denied.add(described + " (" + request.getMethod() + " " + request.getPath() + ")");
            }
        }
        assertThat(denied).isEmpty();
        assertThat(sent).contains(
                "create /secrets null", "update /secrets " + InClusterSettings.TLS_SECRET,
                "watch /secrets " + InClusterSettings.TLS_SECRET,
                "create coordination.k8s.io/leases null", "patch coordination.k8s.io/leases " + InClusterSettings.LEASE,
                "patch admissionregistration.k8s.io/mutatingwebhookconfigurations " + WebhookFixtures.NAME,
                "watch admissionregistration.k8s.io/mutatingwebhookconfigurations " + WebhookFixtures.NAME,
                "watch /configmaps " + InClusterSettings.CONFIG_MAP);
    }

    @Test
    void inCertManagerModeTheAgentOnlyReadsAndItsSmallerRolesAllowIt() throws Exception {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
        CertificateAuthority ca = issuer.newAuthority("cert-manager", Duration.ofDays(1));
        ServingCertificate serving = issuer.issueServing(ca, List.of("kubectl-sidecar-agent.kubectl-sidecar.svc"), Duration.ofHours(1));
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(InClusterSettings.CERT_MANAGER_TLS_SECRET)
                .withNamespace(NS).endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", base64(Pem.certificates(List.of(serving.certificate()))))
                .addToData("tls.key", base64(Pem.privateKey(serving.key()))).addToData("ca.crt", base64(ca.certificatePem())).build()).create();
        List<ServingBundle> bundles = new CopyOnWriteArrayList<>();
        try (KubernetesClient agentClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build();
             CertManagerTls tls = new CertManagerTls(agentClient, new InClusterSettings(NS, InClusterSettings.DEFAULT_SERVICE,
                     WebhookFixtures.NAME, "agent-0"), Clock.systemUTC(), bundles::add)) {
            tls.start();
            Poll.until("cert-manager's certificate", () -> bundles.size() == 1);
        }

        RbacAuthorizer rbac = new RbacAuthorizer(InstallManifests.certManager(ClusterRole.class).getRules(),
                InstallManifests.certManager(Role.class).getRules(), NS);
        List<String> sent = new ArrayList<>();
        for (RecordedRequest request : recorded()) {
            if (AGENT.equals(request.getHeader("User-Agent"))) {
                assertThat(rbac.allows(request.getMethod(), request.getPath())).as(request.getMethod() + " " + request.getPath()).isTrue();
                sent.add(request.getMethod());
            }
        }
        assertThat(sent).isNotEmpty().containsOnly("GET");
        assertThat(rbac.allows("PATCH", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/kubectl-sidecar")).isFalse();
        assertThat(rbac.allows("POST", "/api/v1/namespaces/kubectl-sidecar/secrets")).isFalse();
        assertThat(rbac.allows("GET", "/api/v1/namespaces/kubectl-sidecar/secrets/" + InClusterSettings.TLS_SECRET)).isFalse();
        assertThat(rbac.allows("POST", "/apis/coordination.k8s.io/v1/namespaces/kubectl-sidecar/leases")).isFalse();
    }

    @Test
    void theAuthorizerDeniesWhatTheRolesDoNotGrant() throws Exception {
        RbacAuthorizer rbac = new RbacAuthorizer(InstallManifests.one(ClusterRole.class).getRules(),
                InstallManifests.one(Role.class).getRules(), NS);
        assertThat(rbac.allows("GET", "/api/v1/namespaces/kubectl-sidecar/secrets/other-secret")).isFalse();
        assertThat(rbac.allows("GET", "/api/v1/namespaces/kubectl-sidecar/secrets")).as("an unselected list").isFalse();
        assertThat(rbac.allows("GET", "/api/v1/namespaces/default/secrets/" + InClusterSettings.TLS_SECRET)).isFalse();
        assertThat(rbac.allows("DELETE", "/api/v1/namespaces/kubectl-sidecar/secrets/" + InClusterSettings.TLS_SECRET)).isFalse();
        assertThat(rbac.allows("PUT", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/kubectl-sidecar")).isFalse();
        assertThat(rbac.allows("PATCH", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector")).isFalse();
        assertThat(rbac.allows("GET", "/api/v1/namespaces/kubectl-sidecar/secrets?fieldSelector=metadata.name%3D"
                + InClusterSettings.TLS_SECRET + "&watch=true")).isTrue();
        assertThat(rbac.allows("GET", "/api/v1/pods?watch=true")).isTrue();
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private List<RecordedRequest> recorded() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        int count = server.getRequestCount();
        for (int i = 0; i < count; i++) {
            RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
            if (request == null) {
                break;
            }
            requests.add(request);
        }
        return requests;
    }
}
