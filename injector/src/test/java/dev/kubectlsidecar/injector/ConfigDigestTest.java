package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class ConfigDigestTest {
    private static final String CONFIG = """
            defaultProfile: a
            profiles:
              a: {proxyImage: envoy:1, initImage: init:1}
              b: {proxyImage: envoy:2, initImage: init:2}
            """;

    @Test
    void theSameConfigHasTheSameDigestWhateverTheOrderOfItsMaps() {
        String reordered = """
                profiles:
                  b: {initImage: init:2, proxyImage: envoy:2}
                  a: {initImage: init:1, proxyImage: envoy:1}
                defaultProfile: a
                """;
        assertThat(ConfigDigest.of(ConfigLoader.parse("one", CONFIG))).matches("sha256:[0-9a-f]{12}")
                .isEqualTo(ConfigDigest.of(ConfigLoader.parse("two", reordered)));
    }

    @Test
    void anotherConfigHasAnotherDigest() {
        assertThat(ConfigDigest.of(ConfigLoader.parse("one", CONFIG)))
                .isNotEqualTo(ConfigDigest.of(ConfigLoader.parse("one", CONFIG.replace("envoy:2", "envoy:3"))));
    }
}
