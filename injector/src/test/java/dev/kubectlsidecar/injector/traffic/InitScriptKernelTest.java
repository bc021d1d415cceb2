package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.traffic.Verification.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the init command verbatim in fresh network namespaces, as a pod's init container would, twice, and checks
 * the kernel's rules. Needs root, {@code ip} and iptables; skipped (with the reason printed) elsewhere.
 */
class InitScriptKernelTest {
    @TempDir
    Path temp;
    private final List<NetworkNamespace> namespaces = new ArrayList<>();

    @BeforeAll
    static void requireRootAndTools() {
        Optional<String> reason = NetworkNamespace.unavailableReason(
                "iptables", "iptables-restore", "iptables-save", "ip6tables-restore", "ip6tables-save");
        reason.ifPresent(why -> System.out.println("InitScriptKernelTest skipped: " + why));
        Assumptions.assumeTrue(reason.isEmpty(), () -> "needs a real kernel: " + reason.orElseThrow());
    }

    @BeforeEach
    void cleanSlate() {
        namespaces.clear();
    }

    @AfterEach
    void deleteNamespaces() {
        namespaces.forEach(NetworkNamespace::close);
    }

    @ParameterizedTest(name = "{0} backend")
    @ValueSource(strings = {IptablesBackend.DEFAULT, IptablesBackend.LEGACY})
    void theDefaultsApplyTwiceIdenticallyAndVerify(String backend) throws IOException {
        IptablesBackend tools = IptablesBackend.named(backend, temp);
        TrafficSettings settings = RuleSetVerifierTest.injectedDefaults();
        NetworkNamespace pod = namespace();

        String first = runInitTwiceAndCompare(pod, settings, tools);

        assertThat(first).startsWith(TerminationMessage.HEADER_V4 + "\n*nat\n")
                .contains("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN")
                .endsWith(TerminationMessage.V6_SKIPPED + "\n");
        assertThat(RuleSetVerifier.verify(settings, first)).isEqualTo(new Verification(Status.VERIFIED, List.of(), List.of()));

        pod.execOrFail(tools.iptables(), "-t", "nat", "-D", "ISTIO_OUTPUT", "-d", "127.0.0.1/32", "-j", "RETURN");
        String resaved = TerminationMessage.HEADER_V4 + "\n" + pod.execOrFail(tools.iptablesSave(), "-t", "nat");

        Verification broken = RuleSetVerifier.verify(settings, resaved);
        assertThat(broken.status()).isEqualTo(Status.MISMATCH);
        assertThat(broken.missing()).containsExactly("[ipv4] -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN");
        assertThat(broken.extra()).isEmpty();
    }

    @Test
    void theUsersOwnRulesAreKeptOnceAndLinkLocalIpv6IsNotIpv6() throws IOException {
        NetworkNamespace pod = namespace();
        pod.execOrFail("iptables", "-t", "nat", "-N", "USER_CHAIN");
        pod.execOrFail("iptables", "-t", "nat", "-A", "PREROUTING", "-j", "USER_CHAIN");
        pod.execOrFail("iptables", "-t", "nat", "-A", "OUTPUT", "-p", "udp", "--dport", "9", "-j", "RETURN");
        pod.execOrFail("ip", "link", "add", "ll0", "type", "veth", "peer", "name", "ll1");
        pod.execOrFail("ip", "link", "set", "ll0", "up");
        pod.execOrFail("ip", "link", "set", "ll1", "up");
        TrafficSettings settings = RuleSetVerifierTest.injectedDefaults().toBuilder()
                .excludeInterfaces(List.of("ll1")).rerouteVirtualInterfaces(List.of("ll0")).build();

        String message = runInitTwiceAndCompare(pod, settings, IptablesBackend.MACHINE);

        String nat = pod.execOrFail("iptables-save", "-t", "nat");
        assertThat(lines(nat)).containsOnlyOnce("-A PREROUTING -j USER_CHAIN", "-A OUTPUT -p udp -m udp --dport 9 -j RETURN",
                "-A PREROUTING -i ll0 -j RETURN", "-A PREROUTING -i ll1 -j RETURN", "-A OUTPUT -o ll1 -j RETURN");
        assertThat(message).endsWith(TerminationMessage.V6_SKIPPED + "\n");
        assertThat(pod.execOrFail("ip6tables-save")).doesNotContain("ISTIO_");
        assertThat(RuleSetVerifier.verify(settings, message).status()).isEqualTo(Status.VERIFIED);
    }

    @Test
    void aDualStackTproxyDnsPodGetsBothFamiliesAndATruncatedMessage() throws IOException {
        Assumptions.assumeTrue(NetworkNamespace.onPath("ip").isPresent(), "TPROXY routing needs ip");
        NetworkNamespace pod = namespace();
        pod.addIpv6Address("2001:db8::5/64");
        TrafficSettings settings = RuleSetVerifierTest.exhaustive();

        String message = runInitTwiceAndCompare(pod, settings, IptablesBackend.MACHINE);

        assertThat(message.length()).isLessThanOrEqualTo(TerminationMessage.LIMIT);
        assertThat(message).startsWith(TerminationMessage.HEADER_V4).endsWith(TerminationMessage.TRUNCATED + "\n");
        assertThat(RuleSetVerifier.verify(settings, message)).isEqualTo(Verification.UNKNOWN);
        String full = TerminationMessage.HEADER_V4 + "\n" + pod.execOrFail("iptables-save")
                + TerminationMessage.HEADER_V6 + "\n" + pod.execOrFail("ip6tables-save");
        assertThat(RuleSetVerifier.verify(settings, full)).isEqualTo(new Verification(Status.VERIFIED, List.of(), List.of()));
        assertThat(pod.execOrFail("ip", "-6", "addr", "show", "dev", "lo")).contains("::6/128");
        assertThat(lines(pod.execOrFail("ip", "rule"))).filteredOn(line -> line.contains("fwmark 0x539 lookup 133"))
                .hasSize(1);
        assertThat(lines(pod.execOrFail("ip", "-6", "rule"))).filteredOn(line -> line.contains("fwmark 0x539 lookup 133"))
                .hasSize(1);
    }

    /** Runs the init command twice; both must succeed and leave the same rules. Returns the first message. */
    private String runInitTwiceAndCompare(NetworkNamespace pod, TrafficSettings settings, IptablesBackend tools)
            throws IOException {
        List<String> command = InitScript.command(settings);
        List<String> messages = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (int run = 1; run <= 2; run++) {
            Path log = temp.resolve("termination-log-" + run);
            Map<String, String> environment = new HashMap<>(tools.environment());
            environment.put(InitScript.TERMINATION_LOG_ENV, log.toString());
            NetworkNamespace.Result result = pod.exec(environment, command);
            assertThat(result.exitCode()).as("run %d exit code; stderr: %s", run, result.stderr()).isZero();
            messages.add(Files.readString(log));
            states.add(withoutCommentsAndCounters(
                    pod.execOrFail(tools.iptablesSave()) + pod.execOrFail(tools.ip6tablesSave())));
        }
        assertThat(states.get(1)).as("rules after the second run").isEqualTo(states.get(0));
        assertThat(messages.get(1)).as("termination message of the second run").isEqualTo(messages.get(0));
        return messages.get(0);
    }

    private NetworkNamespace namespace() {
        NetworkNamespace namespace = NetworkNamespace.create();
        namespaces.add(namespace);
        return namespace;
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }

    private static String withoutCommentsAndCounters(String save) {
        StringBuilder kept = new StringBuilder();
        for (String line : lines(save)) {
            if (!line.startsWith("#")) {
                kept.append(line.replaceAll("\\[\\d+:\\d+\\]", "[0:0]")).append('\n');
            }
        }
        return kept.toString();
    }
}
