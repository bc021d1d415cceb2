package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A short digest of an injection config as loaded (its JSON form), so that {@code kubectl sidecar version} can say
 * whether the agent runs the config the cluster's ConfigMap holds: both sides digest the same loaded form.
 */
public final class ConfigDigest {
    private ConfigDigest() {
    }

    /** {@code sha256:} and the first 12 hex digits, of the config's JSON with every object's keys sorted. */
    public static String of(InjectionConfig config) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(config).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The config's JSON with every object's keys sorted: equal for configs that inject the same, whatever their YAML. */
    public static String canonical(InjectionConfig config) {
        StringBuilder canonical = new StringBuilder();
        write(JsonMappers.JSON.valueToTree(config), canonical);
        return canonical.toString();
    }

    /** Maps have no order of their own (Map.copyOf's differs between JVMs): sorted keys make the text one. */
    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            List<String> names = new ArrayList<>(node.propertyNames());
            Collections.sort(names);
            for (String name : names) {
                out.append(JsonMappers.JSON.writeValueAsString(name)).append(':');
                write(node.get(name), out);
                out.append(',');
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            node.forEach(item -> {
                write(item, out);
                out.append(',');
            });
            out.append(']');
        } else {
            out.append(JsonMappers.JSON.writeValueAsString(node));
        }
    }
}
