package dev.kubectlsidecar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's cluster views through the API server's service proxy, as any caller reaches them: the proxy forwards
 * the caller's headers but not its {@code Authorization}, so the agent sees a token only in
 * {@code Kubectl-Sidecar-Authorization}, checks it with a TokenReview and the caller's right to list pods with a
 * SubjectAccessReview. {@code status} sends it and so reads from the agent; without it, or with a user who may not
 * list the pods asked about, the read is refused. Health and metrics stay open and name no pod.
 */
class ReadAuthorizationTest {
    private static final String PROXY = "/api/v1/namespaces/kubectl-sidecar/services/https:kubectl-sidecar-agent:443/proxy";
    private static final String HEADER = "Kubectl-Sidecar-Authorization";

    @TempDir
    static Path dir;
    static AgentCluster agents;

    @BeforeAll
    static void start() {
        agents = AgentCluster.start(dir, builder -> builder.runInitContainers(false));
        agents.installAndEnable("shop", "90s");
        agents.cluster().client().pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata()
                .withName("web-1").endMetadata().withNewSpec().addNewContainer().withName("app").withImage("app:1")
                .endContainer().endSpec().build()).create();
        agents.cluster().accessReviews().addUser("shop-viewer-token", "shop-viewer", Set.of("shop"));
    }

    @AfterAll
    static void stop() {
        if (agents != null) {
            agents.close();
        }
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(agents.cluster().url() + PROXY + path));
        if (token != null) {
            request.header(HEADER, "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusReadsFromTheAgentWithTheCallersToken() {
        Plugin.Result status = agents.plugin().run("status", "-n", "shop", "-o", "json");
        assertThat(status.exitCode()).as(status.both()).isZero();
        assertThat(status.err()).as("read from the agent").doesNotContain("could not be reached");
        assertThat(status.out()).contains("web-1");
    }

    @Test
    void withoutATokenReadsAreRefusedButHealthAndMetricsAreOpen() throws Exception {
        HttpResponse<String> status = get("/api/v1/status", null);
        assertThat(status.statusCode()).isEqualTo(401);
        assertThat(status.body()).contains("bearer token").doesNotContain("web-1");
        assertThat(get("/api/v1/config", null).statusCode()).isEqualTo(401);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("kubectl_sidecar_reads_refused_total").doesNotContain("web-1");
    }

    @Test
    void anUnknownTokenIsUnauthenticated() throws Exception {
        assertThat(get("/api/v1/status?namespace=shop", "made-up").statusCode()).isEqualTo(401);
    }

    @Test
    void aUserReadsOnlyTheNamespacesWhosePodsItMayList() throws Exception {
        HttpResponse<String> shop = get("/api/v1/status?namespace=shop", "shop-viewer-token");
        assertThat(shop.statusCode()).isEqualTo(200);
        assertThat(shop.body()).contains("web-1");
        HttpResponse<String> all = get("/api/v1/status", "shop-viewer-token");
        assertThat(all.statusCode()).isEqualTo(403);
        assertThat(all.body()).contains("shop-viewer").contains("may not list pods in every namespace");
        assertThat(get("/api/v1/status?namespace=kube-system", "shop-viewer-token").statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/config", "shop-viewer-token").statusCode()).isEqualTo(403);
    }
}
