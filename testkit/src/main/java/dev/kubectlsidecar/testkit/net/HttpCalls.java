package dev.kubectlsidecar.testkit.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.TrustManagerFactory;

/**
 * One-shot HTTP(S) calls from the local cluster to the machine's servers (webhooks, the agent), the way the API
 * server makes them: connect to wherever the Service is routed, but present and verify the certificate for the
 * Service's DNS name. Each call gets a fresh client, so a changed caBundle counts at once. Blocking: call it from
 * a worker thread, never from an event loop.
 */
public final class HttpCalls {
    /** A complete answer. */
    public record Reply(int status, String contentType, byte[] body) {
    }

    /**
     * One request.
     *
     * @param connectTo where to open the connection
     * @param serverName the name for SNI, the Host header and certificate verification
     * @param trust which server certificates to accept; null for plain HTTP
     */
    public record Call(HttpMethod method, ServiceRoutes.Target connectTo, String serverName, int port, String uri,
                       Trust trust, Map<String, String> headers, byte[] body, Duration timeout) {
    }

    /** Which server certificates a TLS call accepts. */
    public sealed interface Trust {
        /** Anything, without a host name check: what the API server's service proxy and a readiness probe do. */
        record Any() implements Trust {
        }

        /** Only chains to these roots, for this host name. */
        record Roots(TrustManagerFactory roots) implements Trust {
        }

        /** No certificate at all: a webhook without a caBundle, whose self-signed certificate no root vouches for. */
        record Nothing() implements Trust {
        }
    }

    private final Vertx vertx;

    public HttpCalls(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Sends the call and waits for the whole answer, at most {@code call.timeout()}. */
    public Reply send(Call call) throws CallFailure {
        HttpClientAgent client = vertx.createHttpClient(options(call));
        try {
            RequestOptions request = new RequestOptions()
                    .setMethod(call.method())
                    .setServer(SocketAddress.inetSocketAddress(call.connectTo().port(), call.connectTo().host()))
                    .setHost(call.serverName())
                    .setPort(call.port())
                    .setURI(call.uri());
            call.headers().forEach(request::putHeader);
            Future<Reply> reply = client.request(request)
                    .compose(r -> call.body() == null ? r.send() : r.send(Buffer.buffer(call.body())))
                    .compose(response -> response.body().map(body ->
                            new Reply(response.statusCode(), response.getHeader("Content-Type"), body.getBytes())));
            return reply.toCompletionStage().toCompletableFuture()
                    .get(call.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CallFailure("context deadline exceeded", e);
        } catch (ExecutionException e) {
            throw CallFailure.of(e.getCause(), call.connectTo(), call.serverName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailure("interrupted", e);
        } finally {
            client.close();
        }
    }

    private static HttpClientOptions options(Call call) {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, call.timeout().toMillis()));
        if (call.trust() instanceof Trust.Any) {
            options.setSsl(true).setTrustAll(true).setVerifyHost(false);
        } else if (call.trust() instanceof Trust.Roots roots) {
            options.setSsl(true).setTrustOptions(TrustOptions.wrap(roots.roots())).setVerifyHost(true).setForceSni(true);
        } else if (call.trust() instanceof Trust.Nothing) {
            options.setSsl(true).setTrustOptions(TrustOptions.wrap(new UntrustingManager())).setVerifyHost(true)
                    .setForceSni(true);
        }
        return options;
    }
}
