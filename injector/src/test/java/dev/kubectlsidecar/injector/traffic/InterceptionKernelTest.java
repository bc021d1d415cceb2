package dev.kubectlsidecar.injector.traffic;

import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.From.APP;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.From.PEER;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.From.PROXY;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.From.PROXY_GROUP_ONLY;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.From.PROXY_PASSTHROUGH;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.Lands.PROXY_INBOUND;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.Lands.PROXY_OUTBOUND;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.Lands.UNTOUCHED_IN_PEER;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.Lands.UNTOUCHED_IN_POD;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.To.LOCALHOST;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.To.OUTSIDE;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.To.PEER_IP;
import static dev.kubectlsidecar.injector.traffic.InterceptionKernelTest.To.POD_IP;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_PORTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.traffic.TcpProbe.Caller;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * What users get, end to end, on a real kernel: a pod is injected with the engine, the command of its istio-init is
 * run verbatim in a fresh pod network namespace wired to a peer's ({@link PodNetwork}), and real TCP connections show
 * where traffic lands: in the sidecar's outbound (15001) or inbound (15006) listener, with the original destination
 * Envoy would read, or untouched, in the app or the peer. Each scenario runs with the machine's iptables and again
 * with iptables-legacy. Needs root, {@code ip}, iptables and python3; skipped, with the reason printed, elsewhere.
 */
class InterceptionKernelTest {
    /** Istio's proxy uid and gid, which the injected rules exempt from capture. */
    private static final long PROXY_ID = 1337;
    private static final long APP_ID = 1000;
    private static final String PEER_IP_TOKEN = "{peer}";
    private static final String SUBNET_TOKEN = "{subnet}";
    private static final String POD = """
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: web:1
            """;
    private static final InjectionEngine ENGINE = new InjectionEngine(ConfigLoader.embeddedDefault());
    private static TcpProbe probe;

    /** Who opens a connection: a process in the pod, with its uid/gid (and source address), or the peer. */
    enum From {
        APP(Caller.of(APP_ID, APP_ID)),
        PROXY(Caller.of(PROXY_ID, PROXY_ID)),
        /** Not the proxy's uid, only its group: Istio's {@code --gid-owner} rules exempt it too. */
        PROXY_GROUP_ONLY(Caller.of(APP_ID, PROXY_ID)),
        /** Envoy forwarding inbound traffic to the app binds this source, which must not be captured again. */
        PROXY_PASSTHROUGH(new Caller(PROXY_ID, PROXY_ID, Optional.of("127.0.0.6"))),
        PEER(Caller.of(0, 0));

        private final Caller caller;

        From(Caller caller) {
            this.caller = caller;
        }
    }

    /** Where a connection is headed. */
    enum To {
        PEER_IP, OUTSIDE, POD_IP, LOCALHOST;

        String address(PodNetwork network) {
            return switch (this) {
                case PEER_IP -> network.peerIp();
                case OUTSIDE -> PodNetwork.OUTSIDE_IP;
                case POD_IP -> network.podIp();
                case LOCALHOST -> "127.0.0.1";
            };
        }
    }

    /** Which listener takes a connection: the sidecar's (captured) or the one on the port dialled (untouched). */
    enum Lands {
        PROXY_OUTBOUND, PROXY_INBOUND, UNTOUCHED_IN_POD, UNTOUCHED_IN_PEER;

        /** The answer {@link TcpProbe}'s listener gives a connection dialled to {@code address:port}. */
        String answer(String address, int port) {
            String listener = switch (this) {
                case PROXY_OUTBOUND -> PodNetwork.POD_LABEL + " 15001";
                case PROXY_INBOUND -> PodNetwork.POD_LABEL + " 15006";
                case UNTOUCHED_IN_POD -> PodNetwork.POD_LABEL + " " + port;
                case UNTOUCHED_IN_PEER -> PodNetwork.PEER_LABEL + " " + port;
            };
            return listener + " " + address + ":" + port;
        }
    }

    record Probe(From from, To to, int port, Lands lands) {
    }

    /** Pod annotations, where {@value #PEER_IP_TOKEN} and {@value #SUBNET_TOKEN} ({@code 10.X.Y}) are filled in. */
    record Scenario(String name, Map<String, String> annotations, List<Probe> probes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("no annotations", Map.of(), List.of(
                    new Probe(APP, PEER_IP, 8080, PROXY_OUTBOUND),
                    new Probe(APP, OUTSIDE, 9090, PROXY_OUTBOUND),
                    new Probe(PROXY, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(PROXY_GROUP_ONLY, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(PEER, POD_IP, 8080, PROXY_INBOUND),
                    new Probe(PEER, POD_IP, 9090, PROXY_INBOUND),
                    new Probe(PEER, POD_IP, 15021, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 15090, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 15020, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 15008, UNTOUCHED_IN_POD),
                    new Probe(APP, LOCALHOST, 8080, UNTOUCHED_IN_POD),
                    new Probe(APP, POD_IP, 8080, UNTOUCHED_IN_POD),
                    new Probe(PROXY, LOCALHOST, 8080, UNTOUCHED_IN_POD),
                    // the app calling its own service: Envoy's outbound leg to the pod IP enters Envoy's inbound side
                    new Probe(PROXY, POD_IP, 8080, PROXY_INBOUND),
                    new Probe(PROXY_PASSTHROUGH, POD_IP, 8080, UNTOUCHED_IN_POD))),
            new Scenario("excludeOutboundPorts 8080", Map.of(EXCLUDE_OUTBOUND_PORTS, "8080"), List.of(
                    new Probe(APP, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(APP, PEER_IP, 9090, PROXY_OUTBOUND))),
            new Scenario("excludeOutboundPorts 8080,9090", Map.of(EXCLUDE_OUTBOUND_PORTS, "8080,9090"), List.of(
                    new Probe(APP, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(APP, PEER_IP, 9090, UNTOUCHED_IN_PEER))),
            new Scenario("excludeOutboundIPRanges the peer's /32",
                    Map.of(EXCLUDE_OUTBOUND_IP_RANGES, PEER_IP_TOKEN + "/32"), List.of(
                    new Probe(APP, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(APP, OUTSIDE, 8080, PROXY_OUTBOUND))),
            new Scenario("includeOutboundIPRanges the pod's /24",
                    Map.of(INCLUDE_OUTBOUND_IP_RANGES, SUBNET_TOKEN + ".0/24"), List.of(
                    new Probe(APP, PEER_IP, 8080, PROXY_OUTBOUND),
                    new Probe(APP, OUTSIDE, 8080, UNTOUCHED_IN_PEER),
                    new Probe(APP, POD_IP, 8080, UNTOUCHED_IN_POD))),
            // a loopback range drops the rule that leaves the app's traffic over lo alone
            new Scenario("includeOutboundIPRanges the pod's /24 and 127.0.0.0/8",
                    Map.of(INCLUDE_OUTBOUND_IP_RANGES, SUBNET_TOKEN + ".0/24,127.0.0.0/8"), List.of(
                    new Probe(APP, POD_IP, 8080, PROXY_OUTBOUND),
                    new Probe(APP, LOCALHOST, 8080, UNTOUCHED_IN_POD),
                    new Probe(APP, PEER_IP, 8080, PROXY_OUTBOUND))),
            new Scenario("includeOutboundIPRanges 192.0.2.0/24", Map.of(INCLUDE_OUTBOUND_IP_RANGES, "192.0.2.0/24"),
                    List.of(
                    new Probe(APP, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                    new Probe(APP, OUTSIDE, 8080, PROXY_OUTBOUND))),
            new Scenario("includeOutboundPorts 9090 without IP ranges",
                    Map.of(INCLUDE_OUTBOUND_PORTS, "9090", INCLUDE_OUTBOUND_IP_RANGES, ""), List.of(
                    new Probe(APP, PEER_IP, 9090, PROXY_OUTBOUND),
                    new Probe(APP, OUTSIDE, 9090, PROXY_OUTBOUND),
                    new Probe(APP, PEER_IP, 8080, UNTOUCHED_IN_PEER))),
            new Scenario("excludeOutboundIPRanges wins over includeOutboundPorts",
                    Map.of(INCLUDE_OUTBOUND_PORTS, "9090", INCLUDE_OUTBOUND_IP_RANGES, "",
                            EXCLUDE_OUTBOUND_IP_RANGES, PEER_IP_TOKEN + "/32"), List.of(
                    new Probe(APP, PEER_IP, 9090, UNTOUCHED_IN_PEER),
                    new Probe(APP, OUTSIDE, 9090, PROXY_OUTBOUND))),
            new Scenario("excludeInboundPorts 8080", Map.of(EXCLUDE_INBOUND_PORTS, "8080"), List.of(
                    new Probe(PEER, POD_IP, 8080, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 9090, PROXY_INBOUND),
                    new Probe(PEER, POD_IP, 15021, UNTOUCHED_IN_POD))),
            // with the sidecar's three ports that is 19 ports: two multiport rules of at most 15
            new Scenario("excludeInboundPorts 1001-1015 and 9090",
                    Map.of(EXCLUDE_INBOUND_PORTS, "1001,1002,1003,1004,1005,1006,1007,1008,1009,1010,1011,1012,1013,"
                            + "1014,1015,9090"), List.of(
                    new Probe(PEER, POD_IP, 15021, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 9090, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 15020, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 8080, PROXY_INBOUND))),
            new Scenario("includeInboundPorts 9090", Map.of(INCLUDE_INBOUND_PORTS, "9090"), List.of(
                    new Probe(PEER, POD_IP, 9090, PROXY_INBOUND),
                    new Probe(PEER, POD_IP, 8080, UNTOUCHED_IN_POD))),
            // istio-iptables ignores the inbound exclusions unless every inbound port is included
            new Scenario("includeInboundPorts 9090 with excludeInboundPorts 9090",
                    Map.of(INCLUDE_INBOUND_PORTS, "9090", EXCLUDE_INBOUND_PORTS, "9090"), List.of(
                    new Probe(PEER, POD_IP, 9090, PROXY_INBOUND),
                    new Probe(PEER, POD_IP, 8080, UNTOUCHED_IN_POD))),
            new Scenario("includeInboundPorts empty", Map.of(INCLUDE_INBOUND_PORTS, ""), List.of(
                    new Probe(PEER, POD_IP, 8080, UNTOUCHED_IN_POD),
                    new Probe(PEER, POD_IP, 9090, UNTOUCHED_IN_POD),
                    new Probe(APP, PEER_IP, 8080, PROXY_OUTBOUND))));

    @TempDir
    Path temp;
    private PodNetwork network;

    @BeforeAll
    static void requireRootAndTools() {
        Optional<String> reason = NetworkNamespace.unavailableReason("iptables-restore", "iptables-save", "python3");
        reason.ifPresent(why -> System.out.println("InterceptionKernelTest skipped: " + why));
        Assumptions.assumeTrue(reason.isEmpty(), () -> "needs root, ip, iptables and python3: " + reason.orElseThrow());
        probe = TcpProbe.create();
    }

    @AfterEach
    void deleteNetwork() {
        if (network != null) {
            network.close();
            network = null;
        }
    }

    static Stream<Arguments> scenariosOnEachBackend() {
        return Stream.of(IptablesBackend.DEFAULT, IptablesBackend.LEGACY)
                .flatMap(backend -> SCENARIOS.stream().map(scenario -> Arguments.of(backend, scenario)));
    }

    @ParameterizedTest(name = "{1} ({0} iptables)")
    @MethodSource("scenariosOnEachBackend")
    void trafficLandsWhereIstioSendsIt(String backendName, Scenario scenario) throws IOException {
        IptablesBackend backend = IptablesBackend.named(backendName, temp);
        network = PodNetwork.create(probe);

        runInit(injectedInitCommand(filledIn(scenario.annotations())), backend, "run");

        assertLandings(scenario.probes());
    }

    /** A re-created pod sandbox keeps its network namespace, so istio-init runs again over its own rules. */
    @ParameterizedTest(name = "{0} iptables")
    @ValueSource(strings = {IptablesBackend.DEFAULT, IptablesBackend.LEGACY})
    void aSecondRunKeepsTheSameInterception(String backendName) throws IOException {
        IptablesBackend backend = IptablesBackend.named(backendName, temp);
        network = PodNetwork.create(probe);
        List<String> command = injectedInitCommand(Map.of());

        runInit(command, backend, "first run");
        runInit(command, backend, "second run");

        assertLandings(List.of(
                new Probe(APP, PEER_IP, 8080, PROXY_OUTBOUND),
                new Probe(PROXY, PEER_IP, 8080, UNTOUCHED_IN_PEER),
                new Probe(PEER, POD_IP, 8080, PROXY_INBOUND),
                new Probe(APP, LOCALHOST, 8080, UNTOUCHED_IN_POD)));
    }

    /** The command of the istio-init container the engine injects into a pod with these annotations. */
    private static List<String> injectedInitCommand(Map<String, String> annotations) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(POD);
        ObjectNode podAnnotations = Json.objectAt((ObjectNode) pod.get("metadata"), "annotations");
        annotations.forEach(podAnnotations::put);
        List<String> command = new ArrayList<>();
        ENGINE.inject(pod, PodRequest.offline("shop")).parts().initContainer().get("command")
                .forEach(word -> command.add(word.asString()));
        return command;
    }

    private Map<String, String> filledIn(Map<String, String> annotations) {
        Map<String, String> filled = new HashMap<>();
        annotations.forEach((key, value) -> filled.put(key,
                value.replace(PEER_IP_TOKEN, network.peerIp()).replace(SUBNET_TOKEN, network.subnet())));
        return filled;
    }

    /** Runs the command in the pod as istio-init would; it must succeed and leave its rules in the backend used. */
    private void runInit(List<String> command, IptablesBackend backend, String run) {
        Map<String, String> environment = new HashMap<>(backend.environment());
        environment.put(InitScript.TERMINATION_LOG_ENV, temp.resolve("termination-log").toString());
        NetworkNamespace.Result result = network.pod().exec(environment, command);
        assertThat(result.exitCode()).as("istio-init %s exit code; stderr: %s", run, result.stderr()).isZero();
        assertThat(network.pod().execOrFail(backend.iptablesSave(), "-t", "nat"))
                .as("rules in %s after the %s", backend.iptablesSave(), run).contains(":ISTIO_OUTPUT");
    }

    /** Makes every probe's connection; all must land as expected (compared at once, to show the whole picture). */
    private void assertLandings(List<Probe> probes) {
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        for (Probe each : probes) {
            String address = each.to().address(network);
            String what = each.from() + " -> " + each.to() + " " + address + ":" + each.port();
            expected.put(what, each.lands().answer(address, each.port()));
            NetworkNamespace from = each.from() == PEER ? network.peer() : network.pod();
            actual.put(what, probe.connect(from, each.from().caller, address, each.port()));
        }
        assertThat(actual).isEqualTo(expected);
    }
}
