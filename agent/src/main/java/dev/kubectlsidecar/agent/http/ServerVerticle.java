package dev.kubectlsidecar.agent.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/** One instance of the HTTPS server on its event loop; the instances share the listening socket. */
final class ServerVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final ConnectionLimit connections;
    private final Consumer<HttpServer> listening;

    ServerVerticle(HttpServerOptions options, Handler<HttpServerRequest> handler, ConnectionLimit connections,
                   Consumer<HttpServer> listening) {
        this.options = options;
        this.handler = handler;
        this.connections = connections;
        this.listening = listening;
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(options)
                .connectionHandler(connections::opened)
                .requestHandler(request -> {
                    connections.requestStarted(request);
                    handler.handle(request);
                })
                .listen().onSuccess(listening::accept);
    }
}
