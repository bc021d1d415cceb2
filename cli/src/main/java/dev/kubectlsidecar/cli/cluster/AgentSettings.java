package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.config.Quantity;
import dev.kubectlsidecar.injector.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code install} may set in the agent's manifests. A null field was not asked for: {@link #over} fills it
 * from the installed agent (so an upgrade keeps what the last install chose), and what is still null keeps the
 * manifests' default.
 *
 * @param tolerations each {@code KEY[=VALUE][:EFFECT]}, as {@code kubectl taint} writes taints
 * @param resources {@code requests.cpu}, {@code limits.memory}, … to quantities
 * @param certManager the issuer of the serving certificate when cert-manager provides it; null: the agent's own CA
 */
record AgentSettings(String image, String failurePolicy, Integer port, Boolean hostNetwork, Integer replicas,
                     Map<String, String> nodeSelector, List<String> tolerations, String priorityClass,
                     Map<String, String> resources, CertManagerIssuer certManager) {
    static final AgentSettings DEFAULTS = new AgentSettings(null, null, null, null, null, null, null, null, null, null);
    /** The agent's environment variable that says who manages its certificate (the agent's {@code TlsMode}). */
    static final String TLS_MODE_ENV = "AGENT_TLS_MODE";
    static final String CERT_MANAGER_MODE = "cert-manager";
    private static final String CONTAINER = "/spec/template/spec/containers/0";
    private static final Pattern TOLERATION = Pattern.compile("([A-Za-z0-9./_-]+)(?:=([A-Za-z0-9._-]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?");
    private static final Set<String> RESOURCE_KEYS = Set.of("requests.cpu", "requests.memory", "requests.ephemeral-storage",
            "limits.cpu", "limits.memory", "limits.ephemeral-storage");

    /** These settings, with what they leave open taken from {@code installed}. */
    AgentSettings over(AgentSettings installed) {
        return new AgentSettings(or(image, installed.image), or(failurePolicy, installed.failurePolicy), or(port, installed.port),
                or(hostNetwork, installed.hostNetwork), or(replicas, installed.replicas), or(nodeSelector, installed.nodeSelector),
                or(tolerations, installed.tolerations), or(priorityClass, installed.priorityClass), or(resources, installed.resources),
                or(certManager, installed.certManager));
    }

    AgentSettings withCertManager(CertManagerIssuer issuer) {
        return new AgentSettings(image, failurePolicy, port, hostNetwork, replicas, nodeSelector, tolerations, priorityClass, resources,
                issuer);
    }

    /** {@code replicas: 2 → 3} for each setting that differs from {@code installed}'s (an upgrade shows them). */
    List<String> changesFrom(AgentSettings installed) {
        List<String> changes = new ArrayList<>();
        change(changes, "image", installed.image, image);
        change(changes, "failurePolicy", installed.failurePolicy, failurePolicy);
        change(changes, "port", installed.port, port);
        change(changes, "hostNetwork", installed.hostNetwork, hostNetwork);
        change(changes, "replicas", installed.replicas, replicas);
        change(changes, "nodeSelector", installed.nodeSelector, nodeSelector);
        change(changes, "tolerations", installed.tolerations, tolerations);
        change(changes, "priorityClassName", installed.priorityClass, priorityClass);
        change(changes, "resources", installed.resources, resources);
        change(changes, "certManager", installed.certManager, certManager);
        return changes;
    }

    private static void change(List<String> changes, String name, Object before, Object after) {
        if (after != null && before != null && !after.equals(before)) {
            changes.add(name + ": " + before + " → " + after);
        }
    }

    private static <T> T or(T given, T installed) {
        return given != null ? given : installed;
    }

    // ---- parsing the flags; every error names the flag and the value

    static Integer port(String flag, String text) {
        return number(flag, text, 1, 65535, "use a port number from 1 to 65535 (443 or 10250 pass GKE private clusters' firewall)");
    }

    static Integer replicas(String flag, String text) {
        return number(flag, text, 1, 100, "use a number of replicas from 1 to 100");
    }

    private static Integer number(String flag, String text, int min, int max, String advice) {
        if (text == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(text.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new UserError("invalid " + flag + " \"" + text + "\": " + advice);
    }

    /** {@code k=v,k2=v2}; an empty value clears the selector. */
    static Map<String, String> labels(String flag, String text) {
        if (text == null) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0 || !pair.substring(0, equals).matches("([A-Za-z0-9.-]+/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")
                    || !pair.substring(equals + 1).matches("([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?")) {
                throw new UserError("invalid " + flag + " \"" + pair + "\": use KEY=VALUE[,KEY=VALUE…] with label keys and values");
            }
            labels.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return labels;
    }

    static List<String> tolerations(String flag, String text) {
        if (text == null) {
            return null;
        }
        List<String> tolerations = new ArrayList<>();
        for (String one : text.split(",")) {
            if (one.isBlank()) {
                continue;
            }
            if (!TOLERATION.matcher(one.strip()).matches()) {
                throw new UserError("invalid " + flag + " \"" + one + "\": use KEY[=VALUE][:NoSchedule|PreferNoSchedule|NoExecute]");
            }
            tolerations.add(one.strip());
        }
        return tolerations;
    }

    static Map<String, String> resources(String flag, String text) {
        if (text == null) {
            return null;
        }
        Map<String, String> resources = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair.strip() : pair.substring(0, equals).strip();
            String value = equals < 0 ? "" : pair.substring(equals + 1).strip();
            if (!RESOURCE_KEYS.contains(key)) {
                throw new UserError("invalid " + flag + " \"" + pair + "\": use requests.cpu, requests.memory, limits.cpu, "
                        + "limits.memory (or *.ephemeral-storage) =QUANTITY, comma-separated");
            }
            if (!Quantity.isValid(value)) {
                throw new UserError("invalid " + flag + " \"" + pair + "\": " + value + " is not " + Quantity.ALLOWED);
            }
            resources.put(key, value);
        }
        return resources;
    }

    static String name(String flag, String text) {
        if (text != null && !text.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw new UserError("invalid " + flag + " \"" + text + "\": use the name of a PriorityClass (lowercase DNS subdomain)");
        }
        return text;
    }

    // ---- into the manifests, and back from the installed objects

    /** Sets what is given on the agent's Deployment (an ObjectNode of 40-deployment.yaml). */
    void applyTo(ObjectNode deployment) {
        ObjectNode podSpec = (ObjectNode) deployment.at("/spec/template/spec");
        ObjectNode container = (ObjectNode) deployment.at(CONTAINER);
        if (image != null) {
            podSpec.path("containers").forEach(c -> ((ObjectNode) c).put("image", image));
        }
        if (port != null) {
            for (JsonNode entry : container.path("ports")) {
                // the manifests' own port needs no AGENT_PORT: a re-install then changes nothing
                if ("https".equals(entry.path("name").asString()) && entry.path("containerPort").asInt() != port) {
                    ((ObjectNode) entry).put("containerPort", port);
                    env(container, "AGENT_PORT", String.valueOf(port));
                }
            }
        }
        if (hostNetwork != null) {
            if (hostNetwork) {
                podSpec.put("hostNetwork", true).put("dnsPolicy", "ClusterFirstWithHostNet");
            } else {
                podSpec.remove("hostNetwork");
                podSpec.remove("dnsPolicy");
            }
        }
        if (replicas != null) {
            ((ObjectNode) deployment.path("spec")).put("replicas", replicas);
        }
        if (nodeSelector != null) {
            podSpec.remove("nodeSelector");
            if (!nodeSelector.isEmpty()) {
                ObjectNode selector = podSpec.putObject("nodeSelector");
                nodeSelector.forEach(selector::put);
            }
        }
        if (tolerations != null) {
            podSpec.remove("tolerations");
            if (!tolerations.isEmpty()) {
                ArrayNode list = podSpec.putArray("tolerations");
                tolerations.forEach(t -> list.add(toleration(t)));
            }
        }
        if (priorityClass != null) {
            podSpec.put("priorityClassName", priorityClass);
        }
        if (certManager != null) {
            env(container, TLS_MODE_ENV, CERT_MANAGER_MODE);
        }
        if (resources != null) {
            ObjectNode limits = Json.object();
            ObjectNode requests = Json.object();
            resources.forEach((key, value) -> (key.startsWith("limits.") ? limits : requests).put(key.substring(key.indexOf('.') + 1), value));
            ObjectNode target = container.putObject("resources");
            if (!requests.isEmpty()) {
                target.set("requests", requests);
            }
            if (!limits.isEmpty()) {
                target.set("limits", limits);
            }
        }
    }

    /**
     * What the installed agent's Deployment, webhook configuration and Certificate (null without cert-manager) say;
     * all null for what is absent.
     */
    static AgentSettings installed(JsonNode deployment, String failurePolicy, JsonNode certificate) {
        CertManagerIssuer issuer = certificate == null ? null : CertManagerIssuer.of(certificate);
        if (deployment == null) {
            return new AgentSettings(null, failurePolicy, null, null, null, null, null, null, null, issuer);
        }
        JsonNode podSpec = deployment.at("/spec/template/spec");
        JsonNode container = deployment.at(CONTAINER);
        Integer port = null;
        for (JsonNode entry : container.path("ports")) {
            if ("https".equals(entry.path("name").asString()) && entry.path("containerPort").canConvertToInt()) {
                port = entry.path("containerPort").asInt();
            }
        }
        Map<String, String> nodeSelector = new LinkedHashMap<>();
        podSpec.path("nodeSelector").properties().forEach(e -> nodeSelector.put(e.getKey(), e.getValue().asString("")));
        List<String> tolerations = new ArrayList<>();
        podSpec.path("tolerations").forEach(t -> tolerations.add(tolerationText(t)));
        Map<String, String> resources = new LinkedHashMap<>();
        for (String kind : List.of("requests", "limits")) {
            container.path("resources").path(kind).properties().forEach(e -> resources.put(kind + "." + e.getKey(), e.getValue().asString("")));
        }
        // Our own image is upgraded with the CLI; one the user chose (--image, a mirror) is kept.
        String image = container.path("image").asString(null);
        if (image != null && image.startsWith(AgentManifests.IMAGE_REPOSITORY + ":")) {
            image = null;
        }
        return new AgentSettings(image, failurePolicy, port,
                podSpec.path("hostNetwork").asBoolean(false), deployment.at("/spec/replicas").canConvertToInt()
                ? deployment.at("/spec/replicas").asInt() : null, nodeSelector, tolerations,
                podSpec.path("priorityClassName").asString(null), resources, issuer);
    }

    /** Whether the Deployment runs the agent with cert-manager's certificate. */
    static boolean certManagerMode(JsonNode deployment) {
        for (JsonNode entry : deployment.at(CONTAINER).path("env")) {
            if (TLS_MODE_ENV.equals(entry.path("name").asString()) && CERT_MANAGER_MODE.equals(entry.path("value").asString())) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode toleration(String text) {
        Matcher matcher = TOLERATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(text);
        }
        ObjectNode toleration = Json.object().put("key", matcher.group(1));
        if (matcher.group(2) != null) {
            toleration.put("operator", "Equal").put("value", matcher.group(2));
        } else {
            toleration.put("operator", "Exists");
        }
        if (matcher.group(3) != null) {
            toleration.put("effect", matcher.group(3));
        }
        return toleration;
    }

    private static String tolerationText(JsonNode toleration) {
        String text = toleration.path("key").asString("");
        if ("Equal".equals(toleration.path("operator").asString("Equal")) && toleration.has("value")) {
            text += "=" + toleration.path("value").asString("");
        }
        return toleration.has("effect") ? text + ":" + toleration.path("effect").asString("") : text;
    }

    private static void env(ObjectNode container, String name, String value) {
        ArrayNode env = Json.arrayAt(container, "env");
        for (JsonNode entry : env) {
            if (name.equals(entry.path("name").asString())) {
                ((ObjectNode) entry).put("value", value);
                return;
            }
        }
        env.addObject().put("name", name).put("value", value);
    }
}
