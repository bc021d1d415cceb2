package dev.kubectlsidecar.agent.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cap on open connections (after their TLS handshake; handshakes have their own timeout). Over the cap, the
 * connection idle longest without a request in progress is closed to make room, so idle connections held open by
 * anyone cannot lock out the API server's; only when every connection is busy is the new one closed.
 */
final class ConnectionLimit {
    private static final class Tracked {
        final AtomicInteger requests = new AtomicInteger();
        volatile long idleSince = System.nanoTime();
    }

    private final int max;
    private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
    private final AtomicInteger evicted = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    int open() {
        return open.size();
    }

    /** Connections closed to make room for newer ones, or refused, since start. */
    int evicted() {
        return evicted.get();
    }

    void opened(HttpConnection connection) {
        open.put(connection, new Tracked());
        connection.closeHandler(closed -> open.remove(connection));
        if (open.size() > max) {
            HttpConnection victim = idlest(connection);
            evicted.incrementAndGet();
            (victim == null ? connection : victim).close();
        }
    }

    /** A request starts on its connection; the connection counts as busy until the response is written. */
    void requestStarted(HttpServerRequest request) {
        Tracked tracked = open.get(request.connection());
        if (tracked == null) {
            return;
        }
        tracked.requests.incrementAndGet();
        request.response().bodyEndHandler(ended -> {
            tracked.idleSince = System.nanoTime();
            tracked.requests.decrementAndGet();
        });
    }

    private HttpConnection idlest(HttpConnection except) {
        HttpConnection idlest = null;
        long since = 0;
        for (Map.Entry<HttpConnection, Tracked> entry : open.entrySet()) {
            Tracked tracked = entry.getValue();
            if (entry.getKey() != except && tracked.requests.get() == 0
                    && (idlest == null || tracked.idleSince - since < 0)) {
                idlest = entry.getKey();
                since = tracked.idleSince;
            }
        }
        return idlest;
    }
}
