package dev.kubectlsidecar.agent.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The server's paths, each with one method; anything else is 404 (unknown path) or 405 with {@code Allow}.
 * The in-cluster parts add theirs (e.g. {@code GET /api/v1/status}) before the server starts.
 */
public final class Routes implements Handler<HttpServerRequest> {
    private record Route(HttpMethod method, Handler<HttpServerRequest> handler) {
    }

    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final ReadAuthorizer reads;

    /** @param reads who may use the routes added with {@link #getAuthorized} */
    public Routes(ReadAuthorizer reads) {
        this.reads = reads;
    }

    /** A POST route whose handler reads the body and answers itself. */
    public Routes post(String path, Handler<HttpServerRequest> handler) {
        routes.put(path, new Route(HttpMethod.POST, handler));
        return this;
    }

    /** A GET route answered synchronously from the request (path, query). */
    public Routes get(String path, Function<HttpServerRequest, Reply> answer) {
        routes.put(path, new Route(HttpMethod.GET, request -> answer.apply(request).send(request)));
        return this;
    }

    /**
     * A GET route answered only to callers the {@link ReadAuthorizer} allows for the namespace {@code scope} names
     * (null: cluster-wide); refusals are the authorizer's status with its message.
     */
    public Routes getAuthorized(String path, Function<HttpServerRequest, String> scope,
                                Function<HttpServerRequest, Reply> answer) {
        routes.put(path, new Route(HttpMethod.GET, request -> reads.authorize(request, scope.apply(request))
                .onComplete(verdict -> {
                    if (verdict.succeeded() && verdict.result().allowed()) {
                        answer.apply(request).send(request);
                    } else {
                        ReadAuthorizer.Verdict refusal = verdict.succeeded() ? verdict.result()
                                : new ReadAuthorizer.Verdict(503, "cannot check the caller's access: "
                                + verdict.cause().getMessage());
                        Reply reply = Reply.error(refusal.status(), refusal.message());
                        (refusal.status() == 401 ? reply.withHeader("WWW-Authenticate", "Bearer") : reply).send(request);
                    }
                })));
        return this;
    }

    @Override
    public void handle(HttpServerRequest request) {
        Route route = routes.get(request.path());
        if (route == null) {
            Reply.error(404, "no such path: " + request.path()).sendAndClose(request);
        } else if (!route.method().equals(request.method())) {
            Reply.error(405, request.method() + " is not allowed on " + request.path() + "; use " + route.method())
                    .withHeader("Allow", route.method().name())
                    .sendAndClose(request);
        } else {
            route.handler().handle(request);
        }
    }
}
