package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What injection adds to a pod: the init container, the proxy container, their volumes, where the proxy goes, and
 * a digest of all that. Treated as immutable: the renderer inserts copies, so one instance can serve many pods.
 *
 * @param templateHash a short, stable digest: a pod whose recorded hash differs from a fresh render is stale
 */
public record SidecarParts(ObjectNode initContainer, ObjectNode proxyContainer, List<ObjectNode> volumes,
                           boolean nativeSidecar, String templateHash) {
    public static final String INIT_NAME = "istio-init";
    public static final String PROXY_NAME = "istio-proxy";

    public SidecarParts {
        volumes = List.copyOf(volumes);
    }

    public static SidecarParts of(ObjectNode initContainer, ObjectNode proxyContainer, List<ObjectNode> volumes,
                                  boolean nativeSidecar) {
        ObjectNode canonical = Json.object();
        canonical.set("init", initContainer);
        canonical.set("proxy", proxyContainer);
        ArrayNode volumeArray = canonical.putArray("volumes");
        volumes.forEach(volumeArray::add);
        canonical.put("native", nativeSidecar);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
            return new SidecarParts(initContainer, proxyContainer, volumes, nativeSidecar,
                    HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
