package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.json.JsonMappers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What the agent says of itself at {@code /version} (through the API server's service proxy): its version and the
 * digest of the injection config it serves.
 *
 * @param configDigest null for agents that do not report it
 */
record AgentVersion(String version, String configDigest) {
    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)");

    static Optional<AgentVersion> fetch(KubernetesClient client) {
        try {
            String body = client.raw("/api/v1/namespaces/" + AgentNames.NAMESPACE + "/services/https:" + AgentNames.SERVICE
                    + ":443/proxy/version");
            JsonNode answer = body == null ? null : JsonMappers.JSON.readTree(body);
            String version = answer == null ? null : answer.path("version").asString(null);
            return version == null ? Optional.empty()
                    : Optional.of(new AgentVersion(version, answer.path("configDigest").asString(null)));
        } catch (KubernetesClientException | JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * How many minor versions apart {@code a} and {@code b} are (a different major counts as far apart); empty when
     * either is not a version ("dev").
     */
    static Optional<Integer> minorSkew(String a, String b) {
        Matcher first = MAJOR_MINOR.matcher(a);
        Matcher second = MAJOR_MINOR.matcher(b);
        if (!first.lookingAt() || !second.lookingAt()) {
            return Optional.empty();
        }
        if (!first.group(1).equals(second.group(1))) {
            return Optional.of(Integer.MAX_VALUE);
        }
        return Optional.of(Math.abs(Integer.parseInt(first.group(2)) - Integer.parseInt(second.group(2))));
    }
}
