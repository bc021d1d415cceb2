package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects of the local cluster: fabric8's CRUD mock dispatcher (the mock API server's storage and REST
 * semantics), used in-process. Everything that changes an object goes through {@link #handle}, which tells the
 * {@link #onChange listeners} (the fake kubelet, the agent runner) what changed. The raw-JSON helpers are for the
 * harness itself; objects are kept as received, never round-tripped through a typed model. Lists are sorted as the
 * API server sorts them, and paged when asked to ({@link ListPages}).
 */
public final class ObjectStore {
    private static final Set<HttpMethod> MUTATING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final List<Consumer<ResourcePath>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock changes = new ReentrantLock();
    private final ListPages pages = new ListPages();

    /**
     * Serves one REST request as the mock server does, with lists in the API server's order. Changes are made
     * under {@link #changes}: see {@link #closeWatch}.
     */
    public MockResponse handle(RecordedRequest request) {
        boolean mutating = MUTATING.contains(request.method());
        Optional<ResourcePath> path = ResourcePath.parse(request.getPath());
        if (request.method() == HttpMethod.GET && path.isPresent() && ListPages.continues(path.get())) {
            return pages.next(path.get());
        }
        MockResponse response = mutating ? change(request) : crud.dispatch(request);
        if (response == null || response.code() / 100 != 2) {
            return response;
        }
        if (mutating) {
            path.ifPresent(changed -> listeners.forEach(l -> l.accept(changed)));
        } else if (request.method() == HttpMethod.GET && response.getWebSocketListener() == null
                && path.map(ResourcePath::isCollection).orElse(false)) {
            return pages.first(sorted(response), path.get());
        }
        return response;
    }

    private MockResponse change(RecordedRequest request) {
        changes.lock();
        try {
            return crud.dispatch(request);
        } finally {
            changes.unlock();
        }
    }

    /**
     * Runs {@code close}, a watch listener's {@code onClosed}, while no change is being made. The mock's listener
     * stops its sender thread before it leaves the list of watchers; an event for it in between fails the change
     * that caused it with a RejectedExecutionException, and the watchers after it never hear of the change.
     */
    public void closeWatch(Runnable close) {
        changes.lock();
        try {
            close.run();
        } finally {
            changes.unlock();
        }
    }

    /** Called after every successful create, update, patch or delete, on the thread that made it. */
    public void onChange(Consumer<ResourcePath> listener) {
        listeners.add(listener);
    }

    public Optional<ObjectNode> get(String path) {
        MockResponse response = handle(Requests.of(HttpMethod.GET, path, null, null));
        return response.code() == 200 ? Optional.of(object(response)) : Optional.empty();
    }

    /** The items of a collection, e.g. {@code /api/v1/pods} for every pod. */
    public List<ObjectNode> list(String path) {
        MockResponse response = expect(Requests.of(HttpMethod.GET, path, null, null), 200);
        List<ObjectNode> items = new ArrayList<>();
        object(response).path("items").forEach(item -> items.add((ObjectNode) item));
        return items;
    }

    public ObjectNode create(String collectionPath, JsonNode object) {
        return object(expect(Requests.of(HttpMethod.POST, collectionPath, object, null), 200, 201));
    }

    public ObjectNode replace(String path, JsonNode object) {
        return object(expect(Requests.of(HttpMethod.PUT, path, object, null), 200));
    }

    /** Applies an RFC 6902 patch. */
    public ObjectNode patch(String path, JsonNode jsonPatch) {
        return object(expect(Requests.of(HttpMethod.PATCH, path, jsonPatch, "application/json-patch+json"), 200, 202));
    }

    /** Deletes the object; false when there was none. */
    public boolean delete(String path) {
        return handle(Requests.of(HttpMethod.DELETE, path, null, null)).code() == 200;
    }

    private MockResponse expect(RecordedRequest request, int... codes) {
        MockResponse response = handle(request);
        for (int code : codes) {
            if (response.code() == code) {
                return response;
            }
        }
        throw new IllegalStateException(request.getMethod() + " " + request.getPath() + " answered " + response.code()
                + ": " + (response.getBody() == null ? "" : response.getBody().readUtf8()));
    }

    /** The mock lists in hash order; the API server (etcd) by namespace and name. */
    private static ObjectNode sorted(MockResponse list) {
        ObjectNode body = object(list);
        List<JsonNode> items = new ArrayList<>();
        body.path("items").forEach(items::add);
        items.sort(Comparator.comparing((JsonNode item) -> item.path("metadata").path("namespace").asString())
                .thenComparing(item -> item.path("metadata").path("name").asString()));
        body.putArray("items").addAll(items);
        return body;
    }

    private static ObjectNode object(MockResponse response) {
        return (ObjectNode) JsonMappers.JSON.readTree(response.getBody().readUtf8());
    }
}
