package dev.kubectlsidecar.injector.traffic;

import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_INTERFACES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.EXCLUDE_OUTBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_INBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_IP_RANGES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.INCLUDE_OUTBOUND_PORTS;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.KUBEVIRT_INTERFACES;
import static dev.kubectlsidecar.injector.traffic.TrafficAnnotations.REROUTE_VIRTUAL_INTERFACES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrafficSettingsTest {
    private static final TrafficDefaults ISTIO = TrafficDefaults.istio();

    private static TrafficSettings resolve(Map<String, String> annotations) {
        return TrafficSettings.resolve(ISTIO, annotations);
    }

    @Test
    void withoutAnnotationsTheProfileGivesIstiosInjectedArguments() {
        // SPEC §11: istio-iptables -p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -x "" -b '*' -d 15090,15021,15020
        TrafficSettings injected = IstioFlags.parse(
                "-p 15001 -z 15006 -u 1337 -g 1337 -m REDIRECT -i '*' -x \"\" -b '*' -d 15090,15021,15020");

        assertThat(resolve(Map.of())).isEqualTo(injected);
    }

    @Test
    void annotationsOverrideTheProfile() {
        TrafficSettings settings = resolve(Map.of(
                INCLUDE_OUTBOUND_IP_RANGES, "10.0.0.0/8,fd00::/8",
                EXCLUDE_OUTBOUND_IP_RANGES, "10.96.0.0/12",
                INCLUDE_INBOUND_PORTS, "8080,9090",
                INCLUDE_OUTBOUND_PORTS, "443",
                EXCLUDE_OUTBOUND_PORTS, "22,25",
                EXCLUDE_INTERFACES, "eth1",
                KUBEVIRT_INTERFACES, "tap0"));

        assertThat(settings.includeOutboundIpRanges().v4()).extracting(Cidr::toString).containsExactly("10.0.0.0/8");
        assertThat(settings.includeOutboundIpRanges().v6()).extracting(Cidr::toString).containsExactly("fd00::/8");
        assertThat(settings.includeOutboundIpRanges().all()).isFalse();
        assertThat(settings.excludeOutboundIpRanges().v4()).extracting(Cidr::toString).containsExactly("10.96.0.0/12");
        assertThat(settings.includeAllInboundPorts()).isFalse();
        assertThat(settings.includeInboundPorts()).containsExactly(8080, 9090);
        assertThat(settings.includeOutboundPorts()).containsExactly(443);
        assertThat(settings.excludeOutboundPorts()).containsExactly(22, 25);
        assertThat(settings.excludeInterfaces()).containsExactly("eth1");
        assertThat(settings.rerouteVirtualInterfaces()).containsExactly("tap0");
    }

    @Test
    void anEmptyAnnotationOverridesTooAndMeansNone() {
        TrafficSettings settings = resolve(Map.of(INCLUDE_OUTBOUND_IP_RANGES, "", INCLUDE_INBOUND_PORTS, ""));

        assertThat(settings.includeOutboundIpRanges()).isEqualTo(IpRanges.none());
        assertThat(settings.includeAllInboundPorts()).isFalse();
        assertThat(settings.includeInboundPorts()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''              | 15090,15021,15020",
            "8080            | 15090,15021,8080,15020",
            "8080,,9090,     | 15090,15021,8080,9090,15020",
            "15020,8080      | 15090,15021,15020,8080",
            "' 8080 , 9090 ' | 15090,15021,8080,9090,15020"})
    void theSidecarsOwnPortsAreAlwaysExcludedInbound(String annotation, String expected) {
        TrafficSettings settings = resolve(Map.of(EXCLUDE_INBOUND_PORTS, annotation));

        assertThat(settings.excludeInboundPorts()).containsExactlyElementsOf(
                TrafficAnnotations.items(expected).stream().map(Integer::valueOf).toList());
        assertThat(settings.excludeInboundPorts()).containsAll(TrafficSettings.SIDECAR_PORTS);
    }

    @Test
    void theNewerRerouteAnnotationWinsOverKubevirtInterfaces() {
        assertThat(resolve(Map.of(KUBEVIRT_INTERFACES, "old0", REROUTE_VIRTUAL_INTERFACES, "new0"))
                .rerouteVirtualInterfaces()).containsExactly("new0");
        assertThat(resolve(Map.of(KUBEVIRT_INTERFACES, "old0", REROUTE_VIRTUAL_INTERFACES, ""))
                .rerouteVirtualInterfaces()).containsExactly("old0");
    }

    @Test
    void wildcardsWhereIstioAllowsThem() {
        TrafficSettings settings = resolve(Map.of(INCLUDE_OUTBOUND_IP_RANGES, "*", INCLUDE_INBOUND_PORTS, "*"));

        assertThat(settings.includeOutboundIpRanges()).isEqualTo(IpRanges.everything());
        assertThat(settings.includeAllInboundPorts()).isTrue();
    }

    @Test
    void prefixesAreSortedByFamilyAndPrintedAsGoDoes() {
        TrafficSettings settings = resolve(Map.of(INCLUDE_OUTBOUND_IP_RANGES,
                "2001:DB8:0:0::/32,127.0.0.1/8,,::ffff:10.0.0.1/120,fe80::1:0:0:0:1/64"));

        assertThat(settings.includeOutboundIpRanges().v4()).extracting(Cidr::toString).containsExactly("127.0.0.1/8");
        assertThat(settings.includeOutboundIpRanges().v6()).extracting(Cidr::toString)
                .containsExactly("2001:db8::/32", "::ffff:10.0.0.1/120", "fe80:0:0:1::1/64");
        assertThat(settings.includeOutboundIpRanges().hasLoopback()).isTrue();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.0/33",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 1.2.3.4",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | abc",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.0/8,*",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.256/8",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 010.0.0.0/8",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.0/08",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.0/-1",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 10.0.0.0/99999999999999999999",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | ' 10.0.0.0/8'",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | fd00::/129",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | fd00:::1/64",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | 1::2::3/64",
            "traffic.sidecar.istio.io/includeOutboundIPRanges | fe80::1%eth0/64",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges | *",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges | 10.0.0.0/33",
            "traffic.sidecar.istio.io/excludeOutboundIPRanges | 192.168.0.1",
            "traffic.sidecar.istio.io/includeInboundPorts     | 99999",
            "traffic.sidecar.istio.io/includeInboundPorts     | 65536",
            "traffic.sidecar.istio.io/includeInboundPorts     | -1",
            "traffic.sidecar.istio.io/includeInboundPorts     | abc",
            "traffic.sidecar.istio.io/includeInboundPorts     | 80,*",
            "traffic.sidecar.istio.io/includeInboundPorts     | 99999999999999999999999",
            "traffic.sidecar.istio.io/includeInboundPorts     | 80-90",
            "traffic.sidecar.istio.io/excludeInboundPorts     | *",
            "traffic.sidecar.istio.io/excludeInboundPorts     | 99999",
            "traffic.sidecar.istio.io/excludeInboundPorts     | +80",
            "traffic.sidecar.istio.io/includeOutboundPorts    | *",
            "traffic.sidecar.istio.io/includeOutboundPorts    | 1e3",
            "traffic.sidecar.istio.io/excludeOutboundPorts    | *",
            "traffic.sidecar.istio.io/excludeOutboundPorts    | -1",
            "traffic.sidecar.istio.io/excludeOutboundPorts    | 2147483648",
            "traffic.sidecar.istio.io/excludeInterfaces       | *",
            "traffic.sidecar.istio.io/excludeInterfaces       | 'eth0 -j DROP'",
            "traffic.sidecar.istio.io/excludeInterfaces       | averyverylongname0",
            "traffic.sidecar.istio.io/kubevirtInterfaces      | tap0;reboot",
            "istio.io/reroute-virtual-interfaces              | 'tap0''x'"})
    void invalidValuesAreRejectedNamingTheAnnotation(String key, String value) {
        assertThatThrownBy(() -> resolve(Map.of(key, value)))
                .isInstanceOfSatisfying(InvalidAnnotationException.class, e -> {
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.value()).isEqualTo(value);
                    assertThat(e.getMessage()).contains(key).contains(value);
                });
    }

    @Test
    void theWildcardIsNamedInTheMessageOnlyWhereItIsAllowed() {
        assertThatThrownBy(() -> resolve(Map.of(INCLUDE_INBOUND_PORTS, "x"))).hasMessageContaining("\"*\" or");
        assertThatThrownBy(() -> resolve(Map.of(EXCLUDE_INBOUND_PORTS, "x"))).hasMessageNotContaining("\"*\"");
        assertThatThrownBy(() -> resolve(Map.of(INCLUDE_OUTBOUND_IP_RANGES, "x"))).hasMessageContaining("\"*\" or");
        assertThatThrownBy(() -> resolve(Map.of(EXCLUDE_OUTBOUND_IP_RANGES, "x"))).hasMessageNotContaining("\"*\"");
    }

    @Test
    void validEdgeValuesAreAccepted() {
        TrafficSettings settings = resolve(Map.of(
                INCLUDE_INBOUND_PORTS, "0,65535",
                EXCLUDE_OUTBOUND_IP_RANGES, "0.0.0.0/0,::/0",
                EXCLUDE_INTERFACES, "eth0.100,veth+"));

        assertThat(settings.includeInboundPorts()).containsExactly(0, 65535);
        assertThat(settings.excludeOutboundIpRanges().v4()).extracting(Cidr::toString).containsExactly("0.0.0.0/0");
        assertThat(settings.excludeOutboundIpRanges().v6()).extracting(Cidr::toString).containsExactly("::/0");
        assertThat(settings.excludeInterfaces()).containsExactly("eth0.100", "veth+");
    }

    @Test
    void theInjectorPathLeavesIpv6AndDnsServersToThePod() {
        TrafficSettings settings = TrafficSettings.resolve(
                new TrafficDefaults(15001, 15006, 15008, 1337, 1337, "REDIRECT", "*", "", "*", "", "", "", "", "",
                        true, true), Map.of());

        assertThat(settings.ipv6()).isFalse();
        assertThat(settings.redirectDns()).isTrue();
        assertThat(settings.dnsServersV4()).isEmpty();
        assertThat(settings.dropInvalid()).isTrue();
        assertThat(IptablesRules.of(settings).restoreInput(Family.V6)).contains("-A ISTIO_OUTPUT -o lo -s ::6/128 -j RETURN");
        assertThat(IptablesRules.of(settings).restoreInputV6()).isEmpty();
    }

    @Test
    void theBuilderRejectsAWildcardExclusion() {
        assertThatThrownBy(() -> TrafficSettings.builder().excludeOutboundIpRanges(IpRanges.everything()).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBuilderRoundTrips() {
        TrafficSettings settings = RuleSetVerifierTest.exhaustive();

        assertThat(settings.toBuilder().build()).isEqualTo(settings);
        assertThat(settings.toBuilder().ipv6(true).build()).isNotEqualTo(settings);
        assertThat(List.of(settings.proxyUids(), settings.proxyGids())).containsOnly(List.of(1337L));
    }
}
