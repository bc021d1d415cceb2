package dev.kubectlsidecar.injector.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.traffic.Verification.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against output captured from a real kernel (Debian 12, iptables 1.8.9): the init script's termination message for
 * the default injected settings with the nft backend, the same with the legacy backend and some user rules, and
 * the raw iptables-save/ip6tables-save of a TPROXY + DNS + dual-stack pod (comments included).
 */
class RuleSetVerifierTest {
    private static final String NFT = "default-injected-nft.termination-log";
    private static final String LEGACY_WITH_USER_RULES = "default-injected-legacy-user-rules.termination-log";
    private static final String EXHAUSTIVE = "exhaustive-tproxy-dns-dual-stack-nft.save-output";

    static TrafficSettings injectedDefaults() {
        return TrafficSettings.resolve(TrafficDefaults.istio(), Map.of());
    }

    /** The settings EXHAUSTIVE was captured with. */
    static TrafficSettings exhaustive() {
        return injectedDefaults().toBuilder()
                .interceptionMode(InterceptionMode.TPROXY)
                .redirectDns(true).dnsServersV4(List.of("10.96.0.10")).dnsServersV6(List.of("fd00::a"))
                .dropInvalid(true)
                .excludeInterfaces(List.of("eth9"))
                .rerouteVirtualInterfaces(List.of("tap0", "tap1"))
                .includeOutboundIpRanges(IpRanges.of(List.of(cidr("10.0.0.0/8"), cidr("fd00::/8"))))
                .excludeOutboundIpRanges(IpRanges.of(List.of(cidr("10.1.2.3/16"))))
                .includeOutboundPorts(List.of(8443))
                .excludeOutboundPorts(List.of(22, 80))
                .ownerGroupsExclude(List.of("888"))
                .ipv4LoopbackCidr(cidr("127.0.0.1/8"))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {NFT, LEGACY_WITH_USER_RULES})
    void verifiesWhatTheKernelPrintedForTheDefaults(String fixture) {
        Verification verification = RuleSetVerifier.verify(injectedDefaults(), resource(fixture));

        assertThat(verification).isEqualTo(new Verification(Status.VERIFIED, List.of(), List.of()));
    }

    @Test
    void verifiesBothFamiliesOfATproxyDnsDualStackPod() {
        Verification verification = RuleSetVerifier.verify(exhaustive(), resource(EXHAUSTIVE));

        assertThat(verification.missing()).isEmpty();
        assertThat(verification.extra()).isEmpty();
        assertThat(verification.status()).isEqualTo(Status.VERIFIED);
    }

    @Test
    void aDeletedRuleIsMissing() {
        String message = resource(NFT).replace("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN\n", "");

        Verification verification = RuleSetVerifier.verify(injectedDefaults(), message);

        assertThat(verification.status()).isEqualTo(Status.MISMATCH);
        assertThat(verification.missing()).containsExactly("[ipv4] -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN");
        assertThat(verification.extra()).isEmpty();
    }

    @Test
    void anAddedRuleInOurChainIsExtra() {
        String added = "-A ISTIO_INBOUND -p tcp -m tcp --dport 9999 -j RETURN";
        String message = resource(NFT).replace("COMMIT", added + "\nCOMMIT");

        Verification verification = RuleSetVerifier.verify(injectedDefaults(), message);

        assertThat(verification.status()).isEqualTo(Status.MISMATCH);
        assertThat(verification.missing()).isEmpty();
        assertThat(verification.extra()).containsExactly("[ipv4] -t nat " + added);
    }

    @Test
    void anAddedJumpToOurChainsIsExtraButOtherUserRulesAreIgnored() {
        String jump = "-A OUTPUT -p udp -j ISTIO_REDIRECT";
        String message = resource(NFT).replace("COMMIT", jump + "\n-A OUTPUT -p udp -j RETURN\nCOMMIT");

        Verification verification = RuleSetVerifier.verify(injectedDefaults(), message);

        assertThat(verification.extra()).containsExactly("[ipv4] -t nat " + jump);
        assertThat(verification.missing()).isEmpty();
    }

    @Test
    void aRuleOutOfPlaceIsAMismatch() {
        String first = "-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN\n";
        String second = "-A ISTIO_INBOUND -p tcp -m multiport --dports 15090,15021,15020 -j RETURN\n";
        String message = resource(NFT).replace(first + second, second + first);

        Verification verification = RuleSetVerifier.verify(injectedDefaults(), message);

        assertThat(verification.status()).isEqualTo(Status.MISMATCH);
        assertThat(verification.missing()).hasSize(1);
        assertThat(verification.extra()).hasSize(1);
    }

    @Test
    void aMissingChainIsReported() {
        String message = resource(NFT).replace(":ISTIO_REDIRECT - [0:0]\n", "")
                .replace("-A ISTIO_OUTPUT -j ISTIO_REDIRECT\n", "")
                .replace("-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n", "");

        Verification verification = RuleSetVerifier.verify(injectedDefaults(), message);

        assertThat(verification.missing()).contains("[ipv4] -t nat -N ISTIO_REDIRECT",
                "[ipv4] -t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001");
    }

    @Test
    void otherSettingsDoNotVerify() {
        TrafficSettings other = TrafficSettings.resolve(TrafficDefaults.istio(),
                Map.of(TrafficAnnotations.EXCLUDE_INBOUND_PORTS, "8080"));

        Verification verification = RuleSetVerifier.verify(other, resource(NFT));

        assertThat(verification.status()).isEqualTo(Status.MISMATCH);
        assertThat(verification.missing())
                .containsExactly("[ipv4] -t nat -A ISTIO_INBOUND -p tcp -m multiport --dports 15090,15021,8080,15020 -j RETURN");
    }

    @Test
    void reorderedOptionsLongNamesAndImplicitMatchesStillVerify() {
        String message = resource(NFT)
                .replace("-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN",
                        "-A ISTIO_INBOUND -p tcp --destination-port 15008 -j RETURN")
                .replace("-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN",
                        "-A ISTIO_OUTPUT -o lo --source 127.0.0.6 -j RETURN")
                .replace("-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN", "-A ISTIO_OUTPUT -d 127.0.0.1 -j RETURN")
                .replace("-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 1337",
                        "-A ISTIO_OUTPUT -m owner --uid-owner 1337 -o lo -p tcp ! --dport 15008 ! -d 127.0.0.1/32");
        assertThat(message).isNotEqualTo(resource(NFT));

        assertThat(RuleSetVerifier.verify(injectedDefaults(), message).status()).isEqualTo(Status.VERIFIED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  \n", "garbage without any block header"})
    void noUsableMessageIsUnknown(String message) {
        assertThat(RuleSetVerifier.verify(injectedDefaults(), message)).isEqualTo(Verification.UNKNOWN);
    }

    @Test
    void aTruncatedMessageIsUnknown() {
        String message = resource(NFT).replace("COMMIT\n", "") + TerminationMessage.TRUNCATED + "\n";

        assertThat(RuleSetVerifier.verify(injectedDefaults(), message)).isEqualTo(Verification.UNKNOWN);
    }

    @Test
    void anUnreadableBlockIsUnknown() {
        String message = TerminationMessage.HEADER_V4 + "\nthis is not iptables-save output\n";

        assertThat(RuleSetVerifier.verify(injectedDefaults(), message)).isEqualTo(Verification.UNKNOWN);
    }

    static Cidr cidr(String text) {
        return Cidr.parse(text).orElseThrow();
    }

    static String resource(String name) {
        try (InputStream in = RuleSetVerifierTest.class.getResourceAsStream("/traffic/" + name)) {
            assertThat(in).as("test resource traffic/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
