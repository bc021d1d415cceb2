package dev.kubectlsidecar.injector.manifest;

import tools.jackson.databind.JsonNode;

/**
 * JSON the way the CLI prints every {@code -o json}: {@code "key": value}, members and elements one per line, two
 * spaces deeper per level, {@code {}} and {@code []} when empty, and a final newline.
 */
public final class KubectlJson {
    private static final NodeText PRINTER = new NodeText(new SourceLayout("\n", 2, 0, 2));

    private KubectlJson() {
    }

    public static String write(JsonNode value) {
        return PRINTER.json(value, 0) + "\n";
    }
}
