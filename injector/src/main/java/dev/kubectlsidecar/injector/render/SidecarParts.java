package dev.kubectlsidecar.injector.render;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** What injection adds to a pod: the init container, the proxy container, their volumes, and where the proxy goes. */
public record SidecarParts(ObjectNode initContainer, ObjectNode proxyContainer, List<ObjectNode> volumes,
                           boolean nativeSidecar) {
    public static final String INIT_NAME = "istio-init";
    public static final String PROXY_NAME = "istio-proxy";

    public SidecarParts {
        volumes = List.copyOf(volumes);
    }
}
