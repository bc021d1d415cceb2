package dev.kubectlsidecar.agent.pods;

import dev.kubectlsidecar.agent.Agent;
import dev.kubectlsidecar.agent.http.Reply;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JsonGenerator;

/**
 * Serves the tracker's pod states: {@code GET /api/v1/status[?namespace=NS[&pod=NAME]]} answers
 * {@link PodStatesJson}'s {@code {"pods":[…]}}, which {@code kubectl sidecar status} reads through the API server's
 * service proxy; 400 for a pod without its namespace or a value that cannot be a name, 503 until the first list of
 * pods is in. Also the readiness check {@code informer} and the gauges {@code kubectl_sidecar_pods{state}}.
 */
public final class StatusEndpoint {
    public static final String PATH = "/api/v1/status";
    /** DNS-1123 label (namespaces) and subdomain (pods), as the API server validates them. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern POD = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    /** About what one pod's state takes as JSON, to size the answer's buffer. */
    private static final int BYTES_PER_POD = 400;

    private StatusEndpoint() {
    }

    /** Adds the route, the readiness check and the gauges to {@code agent}; the tracker is started by the caller. */
    public static void install(Agent agent, PodStateTracker tracker) {
        agent.routes().getAuthorized(PATH, StatusEndpoint::scope, request -> answer(tracker, request));
        agent.readiness().add("informer", tracker.readinessCheck());
        for (String state : PodStateTracker.COUNTED_STATES) {
            agent.metrics().podsInState(state, () -> tracker.counts().get(state));
        }
    }

    /**
     * The namespace a read asks about, for authorization: null (cluster-wide, the strictest) unless one valid name is
     * given; a query that cannot be decoded is refused by {@link #answer} once authorized.
     */
    static String scope(HttpServerRequest request) {
        List<String> values;
        try {
            values = request.params().getAll("namespace");
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        return values.size() == 1 && NAMESPACE.matcher(values.get(0)).matches() ? values.get(0) : null;
    }

    static Reply answer(PodStateTracker tracker, HttpServerRequest request) {
        String namespace;
        String pod;
        try {
            MultiMap query = request.params();
            namespace = parameter(query, "namespace", NAMESPACE);
            pod = parameter(query, "pod", POD);
        } catch (IllegalArgumentException e) {
            return Reply.error(400, e.getMessage());
        }
        if (pod != null && namespace == null) {
            return Reply.error(400, "pod=" + pod + " needs its namespace: ?namespace=NS&pod=NAME");
        }
        if (!tracker.synced()) {
            return Reply.error(503, "pod states are not known yet: the agent is still listing the pods");
        }
        return new Reply(200, Reply.JSON, json(tracker.states(namespace, pod)), Map.of());
    }

    private static String parameter(MultiMap query, String name, Pattern valid) {
        List<String> values = query.getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " is given " + values.size() + " times; give it once");
        }
        String value = values.get(0);
        if (!valid.matcher(value).matches()) {
            throw new IllegalArgumentException(name + "=\"" + value + "\" cannot be a " + name + " name (lowercase"
                    + " letters, digits and '-'" + (valid == POD ? " or '.'" : "") + ", starting and ending with a"
                    + " letter or digit)");
        }
        return value;
    }

    /**
     * {@code PodStatesJson.write(states)} as bytes, written one pod at a time straight into the answer's buffer: a
     * tree of the whole cluster would hold every pod's nodes at once (some 20 MB for 10 000 pods, against the agent's
     * 64 MB heap), and a byte array in between would hold the 4 MB answer twice more.
     */
    static Buffer json(List<PodSidecarState> states) {
        Buffer answer = Buffer.buffer(64 + states.size() * BYTES_PER_POD);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                answer.appendByte((byte) b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                answer.appendBytes(bytes, offset, length);
            }
        };
        try (JsonGenerator generator = JsonMappers.JSON.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeName("pods");
            generator.writeStartArray();
            for (PodSidecarState state : states) {
                generator.writeTree(PodStatesJson.write(state));
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        return answer;
    }
}
