package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A pod's network namespace ("P") wired by a veth pair to a peer's ("H": another pod, a service, the internet),
 * on a random {@code 10.X.Y.0/24}: the pod is {@code .2}, the peer {@code .1}. The peer also owns
 * {@value #OUTSIDE_IP}, outside the pod's subnet, which the pod reaches through its default route via the peer.
 * Listeners stand in for the sidecar's capture ports, the app's and the sidecar's own ports in P, and for servers in
 * H (see {@link TcpProbe} for what they answer). Traffic never leaves the two namespaces; {@link #close()} stops the
 * listeners and deletes both namespaces.
 */
final class PodNetwork implements AutoCloseable {
    static final String POD_LABEL = "P";
    static final String PEER_LABEL = "H";
    /** In TEST-NET-1, so it can be no real address. */
    static final String OUTSIDE_IP = "192.0.2.1";
    /**
     * Envoy's outbound (15001) and inbound (15006) capture ports, the app's 8080 and 9090, and ports that are never
     * captured inbound: the tunnel (15008) and the sidecar's own (15020, 15021, 15090).
     */
    static final List<Integer> POD_PORTS = List.of(15001, 15006, 8080, 9090, 15008, 15020, 15021, 15090);
    static final List<Integer> PEER_PORTS = List.of(8080, 9090);

    private final NetworkNamespace pod;
    private final NetworkNamespace peer;
    private final String subnet;
    /** Closed in reverse order: listeners before the namespaces they run in. */
    private final List<AutoCloseable> resources;

    private PodNetwork(NetworkNamespace pod, NetworkNamespace peer, String subnet, List<AutoCloseable> resources) {
        this.pod = pod;
        this.peer = peer;
        this.subnet = subnet;
        this.resources = resources;
    }

    static PodNetwork create(TcpProbe probe) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String subnet = "10." + random.nextInt(1, 255) + "." + random.nextInt(0, 256);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            NetworkNamespace pod = NetworkNamespace.create();
            resources.add(pod);
            NetworkNamespace peer = NetworkNamespace.create();
            resources.add(peer);
            pod.execOrFail("ip", "link", "add", "veth-pod", "type", "veth", "peer", "name", "veth-peer",
                    "netns", peer.name());
            pod.execOrFail("ip", "addr", "add", subnet + ".2/24", "dev", "veth-pod");
            peer.execOrFail("ip", "addr", "add", subnet + ".1/24", "dev", "veth-peer");
            peer.execOrFail("ip", "addr", "add", OUTSIDE_IP + "/32", "dev", "veth-peer");
            pod.execOrFail("ip", "link", "set", "veth-pod", "up");
            peer.execOrFail("ip", "link", "set", "veth-peer", "up");
            pod.execOrFail("ip", "route", "add", "default", "via", subnet + ".1");
            resources.add(probe.listen(pod, POD_LABEL, POD_PORTS));
            resources.add(probe.listen(peer, PEER_LABEL, PEER_PORTS));
            return new PodNetwork(pod, peer, subnet, resources);
        } catch (RuntimeException e) {
            closeAll(resources, e);
            throw e;
        }
    }

    NetworkNamespace pod() {
        return pod;
    }

    NetworkNamespace peer() {
        return peer;
    }

    /** The first three octets, {@code 10.X.Y}. */
    String subnet() {
        return subnet;
    }

    String podIp() {
        return subnet + ".2";
    }

    String peerIp() {
        return subnet + ".1";
    }

    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("cleaning up the pod network failed");
        closeAll(resources, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /** Closes every resource, last first, even when one fails; failures are added to {@code failure}. */
    private static void closeAll(List<AutoCloseable> resources, Throwable failure) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
