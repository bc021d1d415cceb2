package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What injection adds to a pod: the init container, the proxy container, their volumes, where the proxy goes, and
 * a digest of all that. Treated as immutable: the renderer inserts copies, so one instance can serve many pods.
 *
 * @param proxyFirst a classic proxy that holds the app goes first among the containers (the kubelet starts them
 *     in order, each after the previous one's postStart hook returned)
 * @param templateHash a short, stable digest: a pod whose recorded hash differs from a fresh render is stale
 * @param containerDigests each container's {@link ProgramDigests#of}, by name: what an injection record keeps when
 *     no own container was merged into it (computed once per render, not once per pod)
 */
public record SidecarParts(ObjectNode initContainer, ObjectNode proxyContainer, List<ObjectNode> volumes,
                           boolean nativeSidecar, boolean proxyFirst, String templateHash,
                           Map<String, String> containerDigests) {
    public static final String INIT_NAME = "istio-init";
    public static final String PROXY_NAME = "istio-proxy";

    public SidecarParts {
        volumes = List.copyOf(volumes);
        containerDigests = Map.copyOf(containerDigests);
    }

    public static SidecarParts of(ObjectNode initContainer, ObjectNode proxyContainer, List<ObjectNode> volumes,
                                  boolean nativeSidecar, boolean proxyFirst) {
        ObjectNode canonical = Json.object();
        canonical.set("init", initContainer);
        canonical.set("proxy", proxyContainer);
        ArrayNode volumeArray = canonical.putArray("volumes");
        volumes.forEach(volumeArray::add);
        canonical.put("native", nativeSidecar);
        canonical.put("proxyFirst", proxyFirst);
        return new SidecarParts(initContainer, proxyContainer, volumes, nativeSidecar, proxyFirst,
                fnv1a64(JsonText.writeJsonBytes(canonical)),
                Map.of(INIT_NAME, ProgramDigests.of(initContainer), PROXY_NAME, ProgramDigests.of(proxyContainer)));
    }

    /**
     * FNV-1a, 64 bits, as 16 hex digits. The hash only tells a stale sidecar from a current one (no adversary), and
     * unlike SHA-256 it does not start the JCA providers, which costs a CLI run ~25 ms.
     */
    static String fnv1a64(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return HexFormat.of().toHexDigits(hash);
    }
}
