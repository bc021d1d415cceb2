package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.Messages;
import dev.kubectlsidecar.cli.support.UserError;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the cluster: builds the client from kubectl's flags, closes it, and turns the client's
 * failures into one line that says which (no kubeconfig, unreachable, unauthorised, forbidden) and what to do.
 */
public abstract class ClusterCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected KubeOptions kube;

    protected abstract int run(KubernetesClient client) throws Exception;

    /** Work that needs no cluster (e.g. printing manifests): its exit code, or null to go on to {@link #run}. */
    protected Integer withoutCluster() {
        return null;
    }

    /**
     * The namespaces a command that takes them as arguments acts on: the arguments, else {@code -n}; naming none, or
     * both ways at once, is a usage error (a typo must never fall back to the context's namespace).
     */
    protected List<String> namespaceArguments(List<String> arguments) {
        boolean given = arguments != null && !arguments.isEmpty();
        if (given && kube.namespaceGiven()) {
            throw new ParameterException(spec.commandLine(),
                    "name the namespaces either as arguments or with -n, not both");
        }
        if (!given && !kube.namespaceGiven()) {
            throw new ParameterException(spec.commandLine(), "missing argument NAMESPACE: name the namespaces (or one with -n)");
        }
        return given ? List.copyOf(new LinkedHashSet<>(arguments)) : List.of(kube.namespace());
    }

    /** For commands on the agent itself: its namespace is fixed, so {@code -n} may only name it. */
    protected void refuseOtherNamespace() {
        if (kube.namespaceGiven() && !kube.namespace().equals(AgentNames.NAMESPACE)) {
            throw new ParameterException(spec.commandLine(), "invalid argument \"" + kube.namespace()
                    + "\" for \"-n\" flag: the agent always lives in namespace " + AgentNames.NAMESPACE);
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws Exception {
        Integer done = withoutCluster();
        if (done != null) {
            return done;
        }
        try (KubernetesClient client = kube.client()) {
            return run(client);
        } catch (KubernetesClientException e) {
            throw explain(e, kube);
        } finally {
            out().flush();
            err().flush();
        }
    }

    static UserError explain(KubernetesClientException e, KubeOptions kube) {
        String server = kube.server();
        return switch (e.getCode()) {
            case 401 -> new UserError("the cluster at " + server + " rejected your credentials (401 Unauthorized): "
                    + "refresh them (e.g. log in again) and check `kubectl auth whoami`", e);
            case 403 -> new UserError("forbidden: " + Messages.firstLine(e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage())
                    + " — ask for the RBAC permission, or check `kubectl auth can-i`", e);
            case 404 -> new UserError("not found: " + Messages.firstLine(e.getMessage()), e);
            default -> SlowRequest.explain(e, server, kube.requestTimeout())
                    .or(() -> TlsFailure.explain(e, server, kube.selection().cluster()))
                    .map(message -> new UserError(message, e))
                    .orElseGet(() -> unreachable(e, server));
        };
    }

    private static UserError unreachable(KubernetesClientException e, String server) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof HttpTimeoutException) {
                return new UserError("cannot reach the cluster at " + server + " (" + cause.getClass().getSimpleName()
                        + (cause.getMessage() != null ? ": " + Messages.firstLine(cause.getMessage()) : "")
                        + "): check the context with `kubectl cluster-info`, or pass --context/--kubeconfig", e);
            }
            if (cause instanceof IOException && cause.getCause() == null) {
                return new UserError("cannot reach the cluster at " + server + ": " + Messages.firstLine(cause.getMessage())
                        + " — check the context with `kubectl cluster-info`", e);
            }
        }
        return new UserError("the API server at " + server + " answered: " + Messages.firstLine(e.getMessage()), e);
    }
}
