package dev.kubectlsidecar.testkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcePathTest {

    @Test
    void aNamespacedObjectWithQuery() {
        ResourcePath path = ResourcePath.parse("/api/v1/namespaces/shop/pods/web?dryRun=All&fieldManager=kubectl-create")
                .orElseThrow();

        assertThat(path).isEqualTo(new ResourcePath("", "v1", "shop", "pods", "web", null,
                Map.of("dryRun", "All", "fieldManager", "kubectl-create")));
        assertThat(path.dryRun()).isTrue();
        assertThat(path.withoutQuery()).isEqualTo("/api/v1/namespaces/shop/pods/web");
    }

    @Test
    void groupsCollectionsAndClusterScope() {
        assertThat(ResourcePath.parse("/apis/apps/v1/deployments").orElseThrow())
                .isEqualTo(new ResourcePath("apps", "v1", null, "deployments", null, null, Map.of()));
        assertThat(ResourcePath.parse("/api/v1/namespaces/shop").orElseThrow())
                .isEqualTo(new ResourcePath("", "v1", null, "namespaces", "shop", null, Map.of()));
        assertThat(ResourcePath.parse("/api/v1/namespaces/shop/status").orElseThrow().subresource()).isEqualTo("status");
        assertThat(ResourcePath.parse("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/x")
                .orElseThrow().isCollection()).isFalse();
    }

    @Test
    void aServiceProxyPathKeepsEverythingAfterTheName() {
        ResourcePath path = ResourcePath.parse(
                "/api/v1/namespaces/ks/services/https:agent:443/proxy/api/v1/status?pod=web").orElseThrow();

        assertThat(path.name()).isEqualTo("https:agent:443");
        assertThat(path.subresource()).isEqualTo("proxy/api/v1/status");
        assertThat(path.query()).containsEntry("pod", "web");
    }

    @Test
    void nonResourcePathsAreNotParsed() {
        assertThat(ResourcePath.parse("/version")).isEmpty();
        assertThat(ResourcePath.parse("/apis/apps")).isEmpty();
        assertThat(ResourcePath.parse("/openapi/v2")).isEmpty();
    }
}
