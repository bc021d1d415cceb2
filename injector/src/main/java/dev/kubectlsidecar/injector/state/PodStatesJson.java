package dev.kubectlsidecar.injector.state;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.policy.Reason;
import dev.kubectlsidecar.injector.policy.ReasonCode;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stable JSON shape of pod states, shared by the agent's {@code GET /api/v1/status} and
 * {@code kubectl sidecar status -o json}:
 * <pre>{"pods":[{"namespace","name","owner","injected","proxy","iptables","stale","proxyBypass","problem",
 *   "problems":[…],"reasons":[{"code","message"}…],"profile","native","templateHash","image","restarts",
 *   "iptablesDiff":[…],"createdAt"}]}</pre>
 * {@code proxy} is {@code ready}, {@code not-ready}, {@code missing} (injected, no status yet) or {@code none};
 * {@code iptables} is {@code verified}, {@code mismatch}, {@code unknown} or {@code not-applicable};
 * {@code problem} is the most urgent {@link PodProblem#id()} or {@code none}, {@code problems} all of them; a
 * reason's {@code code} is a {@link ReasonCode#id()}. Programs read the codes, never the messages. A reader takes
 * a code it does not know as {@code unknown}, and a reason written as a bare string (agents before the codes) too.
 */
public final class PodStatesJson {
    private PodStatesJson() {
    }

    public static ObjectNode write(List<PodSidecarState> states) {
        ObjectNode root = Json.object();
        ArrayNode pods = root.putArray("pods");
        states.forEach(state -> pods.add(write(state)));
        return root;
    }

    public static List<PodSidecarState> read(JsonNode root) {
        List<PodSidecarState> states = new ArrayList<>();
        for (JsonNode pod : root.path("pods")) {
            states.add(read(pod.path("namespace").asString(null), pod));
        }
        return states;
    }

    public static String proxyWord(PodSidecarState state) {
        if (!state.injected()) {
            return "none";
        }
        if (!state.proxy().present()) {
            return "missing";
        }
        return state.proxy().ready() ? "ready" : "not-ready";
    }

    /** One pod's entry of {@code pods}, for writers that stream the list. */
    public static ObjectNode write(PodSidecarState state) {
        Set<PodProblem> problems = state.problems(); // derived from the reasons: once, not once per field
        ObjectNode pod = Json.object()
                .put("namespace", state.namespace())
                .put("name", state.name())
                .put("owner", state.owner())
                .put("injected", state.injected())
                .put("proxy", proxyWord(state))
                .put("iptables", state.iptables().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .put("stale", problems.contains(PodProblem.STALE))
                .put("proxyBypass", state.proxyBypass())
                .put("heldByProxy", state.heldByProxy());
        pod.put("problem", problems.isEmpty() ? "none" : problems.iterator().next().id());
        ArrayNode problemIds = pod.putArray("problems");
        problems.forEach(p -> problemIds.add(p.id()));
        ArrayNode reasons = pod.putArray("reasons");
        state.reasons().forEach(reason -> reasons.addObject().put("code", reason.code().id()).put("message", reason.message()));
        pod.put("profile", state.profile())
                .put("native", state.nativeSidecar())
                .put("templateHash", state.templateHash())
                .put("image", state.proxy().image())
                .put("restarts", state.proxy().restarts());
        strings(pod.putArray("iptablesDiff"), state.iptablesDiff());
        pod.put("createdAt", state.createdAt());
        return pod;
    }

    private static PodSidecarState read(String namespace, JsonNode pod) {
        String proxy = pod.path("proxy").asString("none");
        ProxyStatus status = proxy.equals("none") || proxy.equals("missing") ? ProxyStatus.ABSENT
                : new ProxyStatus(true, proxy.equals("ready"), pod.path("restarts").asInt(0), pod.path("image").asString(null));
        return new PodSidecarState(namespace, pod.path("name").asString(null), pod.path("owner").asString(null),
                pod.path("injected").asBoolean(false), pod.path("profile").asString(null), pod.path("native").asBoolean(false),
                pod.path("templateHash").asString(null), status,
                Verification.Status.valueOf(pod.path("iptables").asString("unknown").toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                texts(pod.path("iptablesDiff")), reasons(pod.path("reasons")), pod.path("createdAt").asString(null));
    }

    private static List<Reason> reasons(JsonNode array) {
        List<Reason> out = new ArrayList<>();
        for (JsonNode item : array) {
            out.add(item.isObject()
                    ? new Reason(ReasonCode.ofId(item.path("code").asString(null)), item.path("message").asString(""))
                    : new Reason(ReasonCode.UNKNOWN, item.asString("")));
        }
        return out;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asString("")));
        return out;
    }
}
