package dev.kubectlsidecar.testkit.net;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a Service's traffic goes on this machine: the local cluster has no cluster network, so a test (or the agent
 * runner) routes {@code NAME.NAMESPACE.svc} to a host and port. Webhook calls and the service proxy look it up.
 */
public final class ServiceRoutes {
    /** A routed Service's backend. */
    public record Target(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final Map<String, Target> routes = new ConcurrentHashMap<>();

    public void route(String namespace, String name, String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("route for service " + namespace + "/" + name + ": port " + port
                    + " is not in 1-65535");
        }
        routes.put(key(namespace, name), new Target(host, port));
    }

    public void remove(String namespace, String name) {
        routes.remove(key(namespace, name));
    }

    public Optional<Target> lookup(String namespace, String name) {
        return Optional.ofNullable(routes.get(key(namespace, name)));
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
