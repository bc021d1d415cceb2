package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import tools.jackson.databind.JsonNode;

/** Tree assertions that report the difference, not two pods' worth of JSON. */
final class Trees {
    private Trees() {
    }

    /**
     * Compares the trees as JSON text would carry them: the engine builds some numbers as longs, which equal the
     * ints a parser makes of the same digits on the wire, though {@code LongNode.equals(IntNode)} is false.
     */
    static void assertSameTree(String what, JsonNode actual, JsonNode expected) {
        JsonNode wireActual = wire(actual);
        JsonNode wireExpected = wire(expected);
        assertThat(wireActual.equals(wireExpected))
                .as("%s differs from the expectation; patch from expected to actual: %s", what,
                        JsonPatches.diff(wireExpected, wireActual))
                .isTrue();
    }

    static JsonNode wire(JsonNode tree) {
        return JsonMappers.JSON.readTree(JsonMappers.JSON.writeValueAsString(tree));
    }
}
