package dev.kubectlsidecar.injector.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import org.junit.jupiter.api.Test;

class KubectlJsonTest {
    @Test
    void printsKeyColonValueOneMemberPerLineWithEmptyContainersInline() {
        String json = "{\"a\":{\"b\":[1,\"x\\u001b\"],\"e\":{},\"l\":[]},\"n\":null,\"t\":true}";
        assertThat(KubectlJson.write(JsonMappers.JSON.readTree(json))).isEqualTo("""
                {
                  "a": {
                    "b": [
                      1,
                      "x\\u001b"
                    ],
                    "e": {},
                    "l": []
                  },
                  "n": null,
                  "t": true
                }
                """);
    }

    @Test
    void aScalarIsOneLine() {
        assertThat(KubectlJson.write(JsonMappers.JSON.readTree("\"s\""))).isEqualTo("\"s\"\n");
    }
}
