package dev.kubectlsidecar.testkit.agent;

import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.Reconciler;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import dev.kubectlsidecar.testkit.net.ServiceRoutes;
import io.vertx.core.http.HttpMethod;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes the agent's Deployment run: when a Deployment with the agent's name appears in any namespace, the
 * {@link AgentLauncher} starts the agent, its Service (same name, port 443) is routed to it, and once
 * {@code GET /readyz} answers 200 over HTTPS the Deployment's ReplicaSet and pods are created (the fake kubelet
 * starts them) and its status says available. When the Deployment is deleted, or its pod template changes, the
 * agent is stopped (and started again for a changed template). Tests {@link #kill} the agent and {@link #restart}
 * it, where a node would restart the container after a back-off.
 */
public final class AgentRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentRunner.class.getName());
    /** How long a started agent has to answer {@code /readyz} with 200, unless the cluster says otherwise. */
    public static final Duration READY_LIMIT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private record Started(String uid, String templateHash, RunningAgent agent) {
    }

    private final String apiServerUrl;
    private final ObjectStore store;
    private final ServiceRoutes routes;
    private final HttpCalls calls;
    private final AgentLauncher launcher;
    private final String name;
    private final Duration readyLimit;
    private final Map<String, Started> running = new ConcurrentHashMap<>();
    private final Reconciler loop;

    public AgentRunner(String apiServerUrl, ObjectStore store, ServiceRoutes routes, HttpCalls calls,
                       AgentLauncher launcher, String name, Duration readyLimit) {
        this.apiServerUrl = apiServerUrl;
        this.store = store;
        this.routes = routes;
        this.calls = calls;
        this.launcher = launcher;
        this.name = name;
        this.readyLimit = readyLimit;
        this.loop = new Reconciler("agent-runner", this::reconcile);
    }

    /** Runs the agent of every matching Deployment stored now, and follows the Deployments from here on. */
    public void start() {
        store.onChange(path -> {
            if (path.is("apps", "deployments")) {
                loop.trigger();
            }
        });
        loop.trigger();
    }

    private void reconcile() {
        Map<String, ObjectNode> wanted = new HashMap<>();
        for (ObjectNode deployment : store.list("/apis/apps/v1/deployments")) {
            if (name.equals(deployment.path("metadata").path("name").asString())) {
                wanted.put(deployment.path("metadata").path("namespace").asString(), deployment);
            }
        }
        for (Map.Entry<String, Started> entry : Map.copyOf(running).entrySet()) {
            ObjectNode deployment = wanted.get(entry.getKey());
            if (deployment == null || !AgentWorkload.uid(deployment).equals(entry.getValue().uid())
                    || !AgentWorkload.templateHash(deployment).equals(entry.getValue().templateHash())) {
                stop(entry.getKey());
            }
        }
        wanted.forEach((namespace, deployment) -> {
            if (!running.containsKey(namespace)) {
                start(namespace, deployment);
            }
        });
    }

    private void start(String namespace, ObjectNode deployment) {
        AgentWorkload workload = new AgentWorkload(store, deployment);
        RunningAgent agent;
        try {
            agent = launcher.start(apiServerUrl, deployment);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not start the agent of deployment " + namespace + "/" + name, e);
            workload.markUnavailable("AgentNotStarted", String.valueOf(e));
            return;
        }
        running.put(namespace, new Started(AgentWorkload.uid(deployment), AgentWorkload.templateHash(deployment), agent));
        routes.route(namespace, name, agent.host(), agent.port());
        if (awaitReady(namespace, agent)) {
            workload.createPods();
            workload.markAvailable();
        } else {
            String why = "the agent did not answer GET /readyz with 200 within " + readyLimit.toSeconds() + "s; "
                    + agent.diagnostics();
            LOG.log(Level.WARNING, "deployment " + namespace + "/" + name + ": " + why);
            workload.markUnavailable("AgentNotReady", why);
        }
    }

    /**
     * Kills the agent of the Deployment in {@code namespace} (SIGKILL for a process): its Service keeps pointing at
     * the dead address, as endpoints do until the node notices, and the Deployment has no ready replica. It stays
     * down until {@link #restart}.
     */
    public void kill(String namespace) {
        Started started = running.get(namespace);
        if (started == null) {
            throw new IllegalStateException("no agent runs for namespace " + namespace);
        }
        started.agent().kill();
        store.get(deploymentPath(namespace)).ifPresent(deployment -> new AgentWorkload(store, deployment)
                .markUnavailable("ContainerKilled", "the agent was killed; it is restarted after a back-off"));
    }

    /**
     * Starts the agent of the Deployment in {@code namespace} again, as the node restarts a killed container (same
     * pod, so the same replica name), and waits until it is ready.
     *
     * @return whether it became ready
     */
    public boolean restart(String namespace) {
        Started started = running.get(namespace);
        ObjectNode deployment = store.get(deploymentPath(namespace))
                .orElseThrow(() -> new IllegalStateException("no agent Deployment in namespace " + namespace));
        if (started == null) {
            throw new IllegalStateException("no agent runs for namespace " + namespace);
        }
        started.agent().stop();
        AgentWorkload workload = new AgentWorkload(store, deployment);
        RunningAgent agent;
        try {
            agent = launcher.start(apiServerUrl, deployment);
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the agent of deployment " + namespace + "/" + name, e);
        }
        running.put(namespace, new Started(started.uid(), started.templateHash(), agent));
        routes.route(namespace, name, agent.host(), agent.port());
        if (!awaitReady(namespace, agent)) {
            LOG.log(Level.WARNING, "deployment " + namespace + "/" + name + ": not ready after a restart; " + agent.diagnostics());
            return false;
        }
        workload.markAvailable();
        return true;
    }

    private String deploymentPath(String namespace) {
        return "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name;
    }

    private boolean awaitReady(String namespace, RunningAgent agent) {
        Instant deadline = Instant.now().plus(readyLimit);
        ServiceRoutes.Target target = new ServiceRoutes.Target(agent.host(), agent.port());
        while (Instant.now().isBefore(deadline) && agent.alive()) {
            try {
                HttpCalls.Reply reply = calls.send(new HttpCalls.Call(HttpMethod.GET, target,
                        name + "." + namespace + ".svc", agent.port(), "/readyz", new HttpCalls.Trust.Any(), Map.of(),
                        null, PROBE_TIMEOUT));
                if (reply.status() == 200) {
                    return true;
                }
            } catch (CallFailure e) {
                LOG.log(Level.DEBUG, "agent not ready yet: " + e.getMessage());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void stop(String namespace) {
        Started started = running.remove(namespace);
        if (started == null) {
            return;
        }
        routes.remove(namespace, name);
        started.agent().stop();
        AgentWorkload.deleteOwned(store, namespace, name);
    }

    @Override
    public void close() {
        loop.close();
        List.copyOf(running.keySet()).forEach(this::stop);
    }
}
