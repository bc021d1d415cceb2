package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Istio's app-probe rewrite ({@code pkg/kube/inject/app_probe.go}). Under mTLS the kubelet's plain probes cannot
 * pass the proxy, so the httpGet, tcpSocket and gRPC probes (readiness, liveness, startup) and the httpGet/tcpSocket
 * lifecycle handlers of the app containers are pointed at pilot-agent's status port, at
 * {@code /app-health/CONTAINER/readyz|livez|startupz} and {@code /app-lifecycle/CONTAINER/prestopz|poststartz}, and
 * the originals go to the proxy as {@value #ENV} (Go's JSON, named ports resolved), from which pilot-agent serves
 * them. {@link #restore} undoes that, for our injections and istiod's alike; since the variable is pod input, an
 * original is only put back onto a probe that is exactly the rewrite of it.
 */
public final class AppProbes {
    public static final String ENV = "ISTIO_KUBE_APP_PROBERS";
    public static final String REWRITE_ANNOTATION = "sidecar.istio.io/rewriteAppHTTPProbers";
    private static final int MAX_TEXT = 4096;
    private static final int MAX_HEADERS = 64;

    /** Where a probe or handler sits in a container, and the status-port path pilot-agent serves it at. */
    private record Slot(String parent, String field, String path, boolean lifecycle) {
        JsonNode in(JsonNode container) {
            return parent == null ? container.get(field) : container.path(parent).get(field);
        }

        void set(ObjectNode container, ObjectNode value) {
            (parent == null ? container : (ObjectNode) container.get(parent)).set(field, value);
        }

        String url(String container) {
            return path.formatted(container);
        }

        String name() {
            return parent == null ? field : parent + "." + field;
        }
    }

    private static final List<Slot> SLOTS = List.of(
            new Slot(null, "readinessProbe", "/app-health/%s/readyz", false),
            new Slot(null, "livenessProbe", "/app-health/%s/livez", false),
            new Slot(null, "startupProbe", "/app-health/%s/startupz", false),
            new Slot("lifecycle", "preStop", "/app-lifecycle/%s/prestopz", true),
            new Slot("lifecycle", "postStart", "/app-lifecycle/%s/poststartz", true));

    /**
     * What rewriting did to one pod.
     *
     * @param probers the value of {@value #ENV}; null when nothing was rewritten
     * @param namedPorts the status-port paths whose original named its port (path to port name), so that our own
     *     uninject gives the name back rather than the number Istio's variable holds
     * @param warnings probes left as they were, and why
     */
    public record Rewrite(String probers, Map<String, String> namedPorts, List<String> warnings) {
        public Rewrite {
            namedPorts = Map.copyOf(namedPorts);
            warnings = List.copyOf(warnings);
        }
    }

    private AppProbes() {
    }

    /** Istio's {@code ShouldRewriteAppHTTPProbers}: the pod's annotation (a Go boolean), else the config's default. */
    public static boolean enabled(Map<String, String> annotations, boolean configDefault) {
        String value = annotations.get(REWRITE_ANNOTATION);
        if (value == null) {
            return configDefault;
        }
        Boolean parsed = IstioPodFields.goBool(value);
        if (parsed == null) {
            throw new InvalidAnnotationException(REWRITE_ANNOTATION, value, "must be true or false");
        }
        return parsed;
    }

    /** Rewrites the probes of the app containers of {@code spec} in place (the sidecar's own are skipped). */
    public static Rewrite rewrite(ObjectNode spec, int statusPort) {
        Map<String, ObjectNode> probers = new TreeMap<>();
        Map<String, String> namedPorts = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        for (ObjectNode container : appContainers(spec)) {
            String name = container.path("name").asString("");
            for (Slot slot : SLOTS) {
                if (!(slot.in(container) instanceof ObjectNode probe)) {
                    continue;
                }
                String url = slot.url(name);
                ObjectNode prober = prober(probe, slot, container, statusPort, url, namedPorts, warnings);
                if (prober != null) {
                    probers.put(url, prober);
                    slot.set(container, rewritten(probe, url, statusPort));
                }
            }
        }
        return new Rewrite(probers.isEmpty() ? null : GoJson.write(probers), namedPorts, warnings);
    }

    /**
     * Puts back the originals that {@code probers} (the proxy's {@value #ENV}) holds for the app containers' probes
     * that point at the status port, in place. Every such probe must have its original, every original a probe, and
     * each original must be a well-formed action: otherwise nothing is trusted and the field is named.
     *
     * @param field where the variable was found, for errors
     * @param namedPorts from our own injection record: the port names to give back when they still resolve
     */
    public static void restore(ObjectNode spec, String probers, String field, int statusPort,
                               Map<String, String> namedPorts) {
        Map<String, JsonNode> originals = parse(probers, field);
        for (String list : List.of("initContainers", "containers")) {
            JsonNode items = spec.path(list);
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof ObjectNode container) || isSidecar(container)) {
                    continue;
                }
                String name = container.path("name").asString("");
                for (Slot slot : SLOTS) {
                    if (!(slot.in(container) instanceof ObjectNode probe) || !pointsAtStatusPort(probe, statusPort)) {
                        continue;
                    }
                    String url = slot.url(name);
                    if (!url.equals(probe.path("httpGet").path("path").asString(null))) {
                        continue; // the pod's own probe of that port, not a rewrite
                    }
                    String at = "spec." + list + "[" + i + "]." + slot.name();
                    JsonNode original = originals.remove(url);
                    if (original == null) {
                        throw new MalformedPodException(at, "points at pilot-agent's status port (" + url + ") but "
                                + field + " holds no original for it");
                    }
                    slot.set(container, restored(probe, original, slot, field + "[\"" + url + "\"]", container,
                            namedPorts.get(url)));
                }
            }
        }
        if (!originals.isEmpty()) {
            String url = originals.keySet().iterator().next();
            throw new MalformedPodException(field, "holds an original for " + url
                    + " but no app container's probe there is pilot-agent's rewrite of it: not restored");
        }
    }

    /** The app containers: every container and init container but the sidecar's own. */
    private static List<ObjectNode> appContainers(ObjectNode spec) {
        List<ObjectNode> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode container : spec.path(list)) {
                if (container instanceof ObjectNode object && !isSidecar(object)) {
                    out.add(object);
                }
            }
        }
        return out;
    }

    private static boolean isSidecar(JsonNode container) {
        String name = container.path("name").asString("");
        return name.equals(SidecarParts.PROXY_NAME) || name.equals(SidecarParts.INIT_NAME);
    }

    /** Istio's {@code Prober} for one probe: its action with named ports resolved, and its timeout; null to leave it. */
    private static ObjectNode prober(ObjectNode probe, Slot slot, ObjectNode container, int statusPort, String url,
                                     Map<String, String> namedPorts, List<String> warnings) {
        String kind = action(probe, slot.lifecycle());
        if (kind == null) {
            return null;
        }
        JsonNode action = probe.get(kind);
        ObjectNode prober = Json.object();
        ObjectNode copy = prober.putObject(kind);
        if (kind.equals("grpc")) {
            if (!action.path("port").isIntegralNumber() || !action.path("port").canConvertToInt()) {
                return null; // not a port the API server accepts: left for it to refuse
            }
            copy.set("port", action.get("port"));
            copy.set("service", action.get("service") != null && action.get("service").isString()
                    ? action.get("service") : Json.object().nullNode());
        } else {
            JsonNode port = action.get("port");
            int number;
            if (port != null && port.isIntegralNumber() && port.canConvertToInt()) {
                number = port.intValue();
                if (number == statusPort) {
                    return null; // already pointing at pilot-agent
                }
            } else if (port != null && port.isString()) {
                Integer resolved = namedPort(container, port.asString());
                if (resolved == null) {
                    warnings.add("container " + container.path("name").asString("") + ": " + slot.name()
                            + " names port \"" + port.asString() + "\", which the container does not declare: left as it is");
                    return null;
                }
                number = resolved;
                namedPorts.put(url, port.asString());
            } else {
                return null; // not a port the API server accepts: left for it to refuse
            }
            if (kind.equals("httpGet")) {
                copyString(action, copy, "path");
                copy.put("port", number);
                copyString(action, copy, "host");
                copyString(action, copy, "scheme");
                if (action.get("httpHeaders") instanceof ArrayNode headers && !headers.isEmpty()) {
                    ArrayNode out = copy.putArray("httpHeaders");
                    headers.forEach(header -> out.addObject()
                            .put("name", header.path("name").asString(""))
                            .put("value", header.path("value").asString("")));
                }
            } else {
                copy.put("port", number);
                copyString(action, copy, "host");
            }
        }
        JsonNode timeout = probe.get("timeoutSeconds");
        if (!slot.lifecycle() && timeout != null && timeout.isIntegralNumber() && timeout.longValue() != 0) {
            prober.set("timeoutSeconds", timeout);
        }
        return prober;
    }

    /** Which action the probe runs, in Istio's order; null for exec/sleep or nothing. */
    private static String action(ObjectNode probe, boolean lifecycle) {
        if (probe.get("httpGet") instanceof ObjectNode) {
            return "httpGet";
        }
        if (probe.get("tcpSocket") instanceof ObjectNode) {
            return "tcpSocket";
        }
        if (!lifecycle && probe.get("grpc") instanceof ObjectNode) {
            return "grpc";
        }
        return null;
    }

    private static Integer namedPort(ObjectNode container, String name) {
        for (JsonNode port : container.path("ports")) {
            if (name.equals(port.path("name").asString(null)) && port.path("containerPort").isIntegralNumber()) {
                return port.get("containerPort").intValue();
            }
        }
        return null;
    }

    private static void copyString(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value != null && value.isString() && !value.asString().isEmpty()) {
            to.put(field, value.asString());
        }
    }

    /** The probe as Istio rewrites it: an httpGet to pilot-agent, HTTPS downgraded (pilot-agent speaks TLS onwards). */
    private static ObjectNode rewritten(ObjectNode probe, String url, int statusPort) {
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> field : probe.properties()) {
            switch (field.getKey()) {
                case "httpGet" -> {
                    ObjectNode get = ((ObjectNode) field.getValue()).deepCopy();
                    get.put("path", url);
                    get.put("port", statusPort);
                    if ("HTTPS".equals(get.path("scheme").asString(null))) {
                        get.put("scheme", "HTTP");
                    }
                    out.set("httpGet", get);
                }
                case "tcpSocket", "grpc" -> out.set("httpGet", Json.object().put("path", url).put("port", statusPort));
                default -> out.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return out;
    }

    private static boolean pointsAtStatusPort(ObjectNode probe, int statusPort) {
        JsonNode port = probe.path("httpGet").path("port");
        return port.isIntegralNumber() && port.canConvertToInt() && port.intValue() == statusPort;
    }

    private static Map<String, JsonNode> parse(String probers, String field) {
        JsonNode tree;
        try {
            tree = JsonText.readJson(probers);
        } catch (JacksonException e) {
            throw new MalformedPodException(field, "must be the JSON object of app probers Istio writes");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new MalformedPodException(field, "must be the JSON object of app probers Istio writes");
        }
        Map<String, JsonNode> out = new TreeMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The probe with its original action back, after checking the original is a well-formed one. */
    private static ObjectNode restored(ObjectNode probe, JsonNode original, Slot slot, String field,
                                       ObjectNode container, String portName) {
        if (!(original instanceof ObjectNode prober)) {
            throw new MalformedPodException(field, "must be an object with the probe's action");
        }
        onlyFields(prober, field, Set.of("httpGet", "tcpSocket", "grpc", "timeoutSeconds"));
        List<String> kinds = new ArrayList<>();
        for (String kind : slot.lifecycle() ? List.of("httpGet", "tcpSocket") : List.of("httpGet", "tcpSocket", "grpc")) {
            if (prober.has(kind)) {
                kinds.add(kind);
            }
        }
        if (kinds.size() != 1 || (slot.lifecycle() && prober.has("grpc"))) {
            throw new MalformedPodException(field, "must hold exactly one of "
                    + (slot.lifecycle() ? "httpGet, tcpSocket" : "httpGet, tcpSocket, grpc"));
        }
        String kind = kinds.get(0);
        ObjectNode action = checkedAction(prober.get(kind), kind, field + "." + kind);
        if (portName != null && portName.equals(namedPortFor(container, action.path("port").intValue()))) {
            action.put("port", portName);
        }
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> entry : probe.properties()) {
            if (entry.getKey().equals("httpGet")) {
                out.set(kind, kind.equals("httpGet") ? mergedHttpGet((ObjectNode) entry.getValue(), action) : action);
            } else {
                out.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
        return out;
    }

    private static String namedPortFor(ObjectNode container, int number) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("containerPort").isIntegralNumber() && port.get("containerPort").intValue() == number
                    && port.path("name").isString()) {
                return port.get("name").asString();
            }
        }
        return null;
    }

    /** The rewritten httpGet's fields in their order, with the original's values; fields Istio never touched stay. */
    private static ObjectNode mergedHttpGet(ObjectNode current, ObjectNode original) {
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> entry : current.properties()) {
            String key = entry.getKey();
            if (original.has(key)) {
                out.set(key, original.get(key));
            } else if (!Set.of("path", "host", "scheme", "httpHeaders").contains(key)) {
                out.set(key, entry.getValue().deepCopy());
            }
        }
        original.properties().forEach(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static ObjectNode checkedAction(JsonNode node, String kind, String field) {
        if (!(node instanceof ObjectNode action)) {
            throw new MalformedPodException(field, "must be an object");
        }
        switch (kind) {
            case "httpGet" -> {
                onlyFields(action, field, Set.of("path", "port", "host", "scheme", "httpHeaders"));
                text(action, "path", field, false);
                text(action, "host", field, true);
                JsonNode scheme = action.get("scheme");
                if (scheme != null && !scheme.isNull() && !Set.of("HTTP", "HTTPS").contains(scheme.asString(""))) {
                    throw new MalformedPodException(field + ".scheme", "must be HTTP or HTTPS");
                }
                JsonNode headers = action.get("httpHeaders");
                if (headers != null && !headers.isNull()) {
                    if (!headers.isArray() || headers.size() > MAX_HEADERS) {
                        throw new MalformedPodException(field + ".httpHeaders", "must be a list of at most "
                                + MAX_HEADERS + " headers");
                    }
                    for (int i = 0; i < headers.size(); i++) {
                        String at = field + ".httpHeaders[" + i + "]";
                        if (!(headers.get(i) instanceof ObjectNode header)) {
                            throw new MalformedPodException(at, "must be a header with a name and a value");
                        }
                        onlyFields(header, at, Set.of("name", "value"));
                        if (!header.path("name").asString("").matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}")) {
                            throw new MalformedPodException(at + ".name", "must be an HTTP header name");
                        }
                        text(header, "value", at, false);
                    }
                }
            }
            case "tcpSocket" -> {
                onlyFields(action, field, Set.of("port", "host"));
                text(action, "host", field, true);
            }
            default -> {
                onlyFields(action, field, Set.of("port", "service"));
                JsonNode service = action.get("service");
                if (service != null && !service.isNull()) {
                    text(action, "service", field, false);
                } else {
                    action.remove("service");
                }
            }
        }
        JsonNode port = action.get("port");
        if (port == null || !port.isIntegralNumber() || !port.canConvertToInt() || port.intValue() < 1
                || port.intValue() > 65535) {
            throw new MalformedPodException(field + ".port", "must be a port number 1-65535");
        }
        return action.deepCopy();
    }

    private static void onlyFields(ObjectNode object, String field, Set<String> allowed) {
        for (Iterator<String> names = object.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new MalformedPodException(field, "unexpected field \"" + abbreviate(name) + "\"; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    /** A string field that is short and free of control characters (a host: also of blanks). */
    private static void text(ObjectNode object, String name, String field, boolean host) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return;
        }
        String text = value.asString(null);
        if (!value.isString() || text.length() > MAX_TEXT || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                || (host && text.chars().anyMatch(Character::isWhitespace))) {
            throw new MalformedPodException(field + "." + name, host ? "must be a host name or address"
                    : "must be a string of at most " + MAX_TEXT + " characters without control characters");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
