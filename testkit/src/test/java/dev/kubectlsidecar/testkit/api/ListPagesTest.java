package dev.kubectlsidecar.testkit.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.LocalCluster;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code limit} and {@code continue}, which the mock ignores and a paging client (the agent, kubectl) relies on. */
class ListPagesTest {
    private final ListPages pages = new ListPages();

    private static ObjectNode list(int items) {
        ObjectNode list = Json.object().put("apiVersion", "v1").put("kind", "PodList");
        list.putObject("metadata").put("resourceVersion", "42");
        for (int i = 0; i < items; i++) {
            list.withArray("items").addObject().putObject("metadata").put("name", "p" + i);
        }
        return list;
    }

    private static ResourcePath path(String query) {
        return ResourcePath.parse("/api/v1/pods?" + query).orElseThrow();
    }

    private static JsonNode body(MockResponse response) {
        return JsonMappers.JSON.readTree(response.getBody().readUtf8());
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> names.add(item.path("metadata").path("name").asString()));
        return names;
    }

    @Test
    void pagesFollowEachOtherToTheLastWhichHasNoContinueToken() {
        JsonNode first = body(pages.first(list(5), path("limit=2")));
        assertThat(names(first)).containsExactly("p0", "p1");
        assertThat(first.path("metadata").path("remainingItemCount").asInt()).isEqualTo(3);
        assertThat(first.path("metadata").path("resourceVersion").asString()).isEqualTo("42");

        String token = first.path("metadata").path("continue").asString();
        JsonNode second = body(pages.next(path("limit=2&continue=" + token)));
        assertThat(names(second)).containsExactly("p2", "p3");
        JsonNode last = body(pages.next(path("limit=2&continue=" + second.path("metadata").path("continue").asString())));
        assertThat(names(last)).containsExactly("p4");
        assertThat(last.path("metadata").has("continue")).isFalse();
        assertThat(pages.next(path("limit=2&continue=" + token)).code())
                .as("the list is dropped after its last page").isEqualTo(410);
    }

    @Test
    void withoutALimitOrWithinItTheWholeListComesBack() {
        assertThat(names(body(pages.first(list(3), path("watch=false"))))).hasSize(3);
        JsonNode whole = body(pages.first(list(3), path("limit=3")));
        assertThat(names(whole)).hasSize(3);
        assertThat(whole.path("metadata").has("continue")).isFalse();
    }

    @Test
    void aTokenThatIsNotOneIsABadRequest() {
        MockResponse answer = pages.next(path("continue=not-a-token"));
        assertThat(answer.code()).isEqualTo(400);
        assertThat(body(answer).path("message").asString()).isEqualTo("continue key is not valid: not-a-token");
    }

    @Test
    void theFabric8ClientPagesThroughTheLocalClusterSortedByNamespaceAndName() {
        try (LocalCluster cluster = LocalCluster.builder().runInitContainers(false).start()) {
            KubernetesClient client = cluster.client();
            for (String ns : List.of("b", "a")) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                for (int i = 0; i < 3; i++) {
                    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("pod-" + i).endMetadata()
                            .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build()).create();
                }
            }
            List<String> seen = new ArrayList<>();
            String next = null;
            int requests = 0;
            do {
                PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(4L).withContinue(next).build());
                page.getItems().forEach(p -> seen.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
                next = page.getMetadata().getContinue();
                requests++;
            } while (next != null && !next.isEmpty());

            assertThat(requests).isEqualTo(2);
            assertThat(seen).containsExactly("a/pod-0", "a/pod-1", "a/pod-2", "b/pod-0", "b/pod-1", "b/pod-2");
        }
    }
}
