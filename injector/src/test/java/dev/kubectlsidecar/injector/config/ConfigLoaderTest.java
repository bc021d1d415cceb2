package dev.kubectlsidecar.injector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @Test
    void theEmbeddedDefaultIsUsableWithNothingElse() {
        InjectionConfig config = ConfigLoader.embeddedDefault();
        assertThat(config.defaultProfile()).isEqualTo("envoy");
        assertThat(config.profiles()).containsKeys("envoy", "istio");
        Profile envoy = config.profile("envoy");
        assertThat(envoy.flavor()).isEqualTo(ProxyFlavor.ENVOY);
        assertThat(envoy.traffic().proxyPort()).isEqualTo(15001);
        assertThat(envoy.traffic().inboundCapturePort()).isEqualTo(15006);
        assertThat(envoy.traffic().proxyUid()).isEqualTo(1337);
        assertThat(config.policy()).isEqualTo(InjectionPolicyDefault.ENABLED);
        assertThat(config.allowImageOverride()).isFalse();
        assertThat(config.isIgnoredNamespace("kube-system")).isTrue();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "profiles: {p: {proxyImage: e, initImage: i}}|cfg.yaml: defaultProfile: is required",
            "defaultProfile: q\\nprofiles: {p: {proxyImage: e, initImage: i}}|cfg.yaml: defaultProfile: names no profile: \"q\"; profiles: p",
            "defaultProfile: p\\nprofiles: {p: {initImage: i}}|cfg.yaml: profiles.p.proxyImage: is required",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, resources: {requests: {cpu: lots}}}}|cfg.yaml: profiles.p.resources.requests.cpu: must be a Kubernetes quantity",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, resources: {requests: {gpu: 1}}}}|cfg.yaml: profiles.p.resources.requests.gpu: unknown field",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, traffic: {proxyPort: 70000}}}|cfg.yaml: profiles.p.traffic.proxyPort: must be a port number 1-65535, got 70000",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, traffic: {interceptionMode: NONE}}}|cfg.yaml: profiles.p.traffic.interceptionMode: must be REDIRECT or TPROXY",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, flavor: linkerd}}|cfg.yaml: profiles.p.flavor: must be one of envoy, istio, got \"linkerd\"",
            "defaultProfile: p\\npolicy: maybe\\nprofiles: {p: {proxyImage: e, initImage: i}}|cfg.yaml: policy: must be one of enabled, disabled",
            "defaultProfile: p\\nprofile: {}\\nprofiles: {p: {proxyImage: e, initImage: i}}|cfg.yaml: profile: unknown field",
            "defaultProfile: p\\nallowImageOverride: yes please\\nprofiles: {p: {proxyImage: e, initImage: i}}|cfg.yaml: allowImageOverride: must be true or false",
            "defaultProfile: p\\nprofiles: {}|cfg.yaml: profiles: at least one profile is required",
            "defaultProfile: p\\nprofiles: {p: {proxyImage: e, initImage: i, traffic: {includeOutboundIPRanges: 10.0.0.0/33}}}|cfg.yaml: profiles.p.traffic.includeOutboundIPRanges: must be ",
            "[1, 2]|cfg.yaml: (top level): must be a mapping, got a list",
            "a: [unclosed|cfg.yaml: not valid YAML"})
    void invalidConfigNamesTheField(String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse("cfg.yaml", yaml.replace("\\n", "\n")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void quantitiesFollowKubernetesSyntax() {
        assertThat(Quantity.isValid("100m")).isTrue();
        assertThat(Quantity.isValid("1.5Gi")).isTrue();
        assertThat(Quantity.isValid("2e3")).isTrue();
        assertThat(Quantity.isValid(".5")).isTrue();
        assertThat(Quantity.isValid("1GB")).isFalse();
        assertThat(Quantity.isValid("-1")).isFalse();
        assertThat(Quantity.isValid("")).isFalse();
        assertThat(Quantity.isValid("1".repeat(100))).isFalse();
    }
}
