package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.node.ObjectNode;

/**
 * A kubeconfig with one cluster, user and context, pointing at the local cluster's plain-HTTP endpoint. The token
 * is the cluster's administrator's ({@link AccessReviews}); the API itself does not authenticate.
 */
public final class Kubeconfig {
    static final String NAME = "local-cluster";

    private Kubeconfig() {
    }

    /** Writes it to {@code file}; returns {@code file}. */
    public static Path write(Path file, String serverUrl) {
        ObjectNode config = Json.object();
        config.put("apiVersion", "v1");
        config.put("kind", "Config");
        ObjectNode cluster = config.putArray("clusters").addObject().put("name", NAME).putObject("cluster");
        cluster.put("server", serverUrl);
        ObjectNode user = config.putArray("users").addObject().put("name", NAME + "-admin").putObject("user");
        user.put("token", AccessReviews.ADMIN_TOKEN);
        ObjectNode context = config.putArray("contexts").addObject().put("name", NAME).putObject("context");
        context.put("cluster", NAME).put("user", NAME + "-admin").put("namespace", "default");
        config.put("current-context", NAME);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, JsonMappers.YAML.writeValueAsString(config));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("write kubeconfig " + file + ": " + e.getMessage(), e);
        }
    }
}
