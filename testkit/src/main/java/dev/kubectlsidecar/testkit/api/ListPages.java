package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lists in pages, as the API server serves {@code ?limit=N} and {@code ?continue=TOKEN} (the mock ignores both and
 * always answers the whole list). The first page's request takes the whole sorted list once and keeps it; each
 * page's continue token names that snapshot and where the next page starts, so the pages of one list agree with
 * each other (the API server gets the same from etcd) and a page costs a slice, not another list. A snapshot is
 * dropped after its last page or {@link #KEPT}; a token of a dropped one is answered 410 Expired, as the API server
 * answers a token whose revision was compacted.
 */
final class ListPages {
    static final Duration KEPT = Duration.ofMinutes(5);
    private static final String EXPIRED = "The provided continue parameter is too old to display a consistent list"
            + " result. You can start a new list without the continue parameter.";

    /** One list's items, each serialized, and the list's own fields. */
    private record Snapshot(ObjectNode head, List<byte[]> items, long takenNanos) {
    }

    private final Map<Long, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Whether the request continues a paged list (and so is answered by {@link #next}, not by the store). */
    static boolean continues(ResourcePath path) {
        return path.isCollection() && path.query().containsKey("continue") && !path.query().getOrDefault("continue", "").isEmpty();
    }

    /** {@code list} (its items sorted) whole, or its first page when the request has a {@code limit}. */
    MockResponse first(ObjectNode list, ResourcePath path) {
        int limit = limit(path);
        JsonNode items = list.path("items");
        if (limit <= 0 || items.size() <= limit) {
            return Responses.json(200, list);
        }
        forgetOld();
        List<byte[]> serialized = new ArrayList<>(items.size());
        items.forEach(item -> serialized.add(JsonMappers.JSON.writeValueAsBytes(item)));
        ObjectNode head = list.deepCopy();
        head.remove("items");
        long id = ids.incrementAndGet();
        Snapshot snapshot = new Snapshot(head, serialized, System.nanoTime());
        snapshots.put(id, snapshot);
        return page(id, snapshot, 0, limit);
    }

    /** The page a continue token points at; 410 when its list is no longer kept, 400 when it is not a token. */
    MockResponse next(ResourcePath path) {
        String token = path.query().get("continue");
        long id;
        int offset;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("/");
            id = Long.parseLong(parts[0]);
            offset = Integer.parseInt(parts[1]);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Responses.status(400, "BadRequest", "continue key is not valid: " + token);
        }
        Snapshot snapshot = snapshots.get(id);
        if (snapshot == null || System.nanoTime() - snapshot.takenNanos() > KEPT.toNanos()) {
            snapshots.remove(id);
            return Responses.status(410, "Expired", EXPIRED);
        }
        if (offset < 0 || offset > snapshot.items().size()) {
            return Responses.status(400, "BadRequest", "continue key is not valid: " + token);
        }
        return page(id, snapshot, offset, limit(path) > 0 ? limit(path) : snapshot.items().size());
    }

    private MockResponse page(long id, Snapshot snapshot, int offset, int limit) {
        int end = Math.min(snapshot.items().size(), offset + limit);
        ObjectNode head = snapshot.head().deepCopy();
        ObjectNode metadata = Json.objectAt(head, "metadata");
        if (end < snapshot.items().size()) {
            metadata.put("continue", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((id + "/" + end).getBytes(StandardCharsets.UTF_8)));
            metadata.put("remainingItemCount", snapshot.items().size() - end);
        } else {
            snapshots.remove(id);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String open = JsonMappers.JSON.writeValueAsString(head);
        body.writeBytes(open.substring(0, open.length() - 1).getBytes(StandardCharsets.UTF_8));
        body.writeBytes(",\"items\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = offset; i < end; i++) {
            if (i > offset) {
                body.write(',');
            }
            body.writeBytes(snapshot.items().get(i));
        }
        body.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(body.toByteArray());
    }

    private void forgetOld() {
        long now = System.nanoTime();
        snapshots.values().removeIf(snapshot -> now - snapshot.takenNanos() > KEPT.toNanos());
    }

    private static int limit(ResourcePath path) {
        String limit = path.query().get("limit");
        try {
            return limit == null ? 0 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
