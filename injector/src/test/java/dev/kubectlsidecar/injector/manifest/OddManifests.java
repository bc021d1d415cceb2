package dev.kubectlsidecar.injector.manifest;

import java.util.Random;

/**
 * Generated workload manifests written the ways people write YAML: 2 or 4 spaces, sequences indented under their
 * key or not, comments above, beside and below, blank lines, plain, single- and double-quoted scalars, flow maps
 * and sequences, anchors and aliases where injection does not reach, document markers, empty documents and
 * {@code ...}, CRLF line breaks, a byte-order mark, no final line break. Each seed gives one file.
 */
final class OddManifests {
    private final Random random;
    private final int indent;
    private final int sequenceIndent;
    private final StringBuilder out = new StringBuilder();

    private OddManifests(long seed) {
        random = new Random(seed);
        indent = random.nextBoolean() ? 2 : 4;
        sequenceIndent = random.nextBoolean() ? 0 : indent;
    }

    static String file(long seed) {
        return new OddManifests(seed).file();
    }

    private String file() {
        if (random.nextInt(4) == 0) {
            out.append("\uFEFF");
        }
        if (random.nextInt(3) == 0) {
            out.append("# generated manifest\n");
        }
        int documents = 1 + random.nextInt(3);
        for (int d = 0; d < documents; d++) {
            if (d > 0 || random.nextBoolean()) {
                out.append("---").append(random.nextInt(4) == 0 ? " # next\n" : "\n");
            }
            if (random.nextInt(5) == 0) {
                out.append("# an empty document\n---\n");
            }
            switch (random.nextInt(4)) {
                case 0 -> service(d);
                case 1 -> pod(d);
                default -> deployment(d);
            }
            if (random.nextInt(6) == 0) {
                out.append("...\n");
            }
        }
        String text = out.toString();
        if (random.nextInt(4) == 0) {
            text = text.replace("\n", "\r\n");
        }
        if (random.nextInt(4) == 0 && !text.stripTrailing().endsWith("exec app")) {
            // (a block scalar last in a file without a final line break is written |- on injection: see SourcePatch)
            text = text.stripTrailing();
        }
        return text;
    }

    private void service(int d) {
        line(0, "apiVersion: v1");
        line(0, "kind: Service");
        line(0, "metadata: {name: " + name(d) + "}");
        line(0, "spec:");
        line(1, "ports: [{port: 80, targetPort: " + string("8080") + "}]");
    }

    private void pod(int d) {
        line(0, "apiVersion: v1");
        line(0, "kind: Pod");
        metadata(0, d);
        line(0, "spec:" + comment());
        podSpec(1);
    }

    private void deployment(int d) {
        comments(0);
        line(0, "apiVersion: apps/v1");
        line(0, "kind: Deployment");
        metadata(0, d);
        blank();
        line(0, "spec:");
        line(1, "replicas: " + (1 + random.nextInt(3)) + comment());
        if (random.nextBoolean()) {
            line(1, "selector:");
            line(2, "matchLabels: {app: " + name(d) + "}");
        }
        line(1, "template:");
        line(2, "metadata:");
        if (random.nextBoolean()) {
            line(3, "labels: {app: " + string(name(d)) + "}");
        } else {
            line(3, "labels:");
            line(4, "app: " + string(name(d)) + comment());
        }
        if (random.nextBoolean()) {
            line(3, "annotations:");
            line(4, "team: " + string("payments") + comment());
        }
        line(2, "spec:");
        comments(3);
        podSpec(3);
    }

    private void metadata(int level, int d) {
        if (random.nextBoolean()) {
            line(level, "metadata: {name: " + name(d) + ", namespace: " + string("shop") + "}");
        } else {
            line(level, "metadata:" + comment());
            line(level + 1, "name: " + string(name(d)));
            if (random.nextBoolean()) {
                line(level + 1, "annotations:");
                line(level + 2, "note: >-");
                line(level + 3, "a folded");
                line(level + 3, "note");
            }
        }
    }

    private void podSpec(int level) {
        if (random.nextInt(3) == 0) {
            line(level, "containers: [{name: app, image: " + string("app:1") + "}]");
        } else {
            line(level, "containers:");
            int containers = 1 + random.nextInt(2);
            boolean mode = false;
            for (int c = 0; c < containers; c++) {
                item(level, "name: " + (c == 0 ? "app" : "worker") + comment());
                int inner = level + 1 + (sequenceIndent > 0 ? 1 : 0);
                line(inner, "image: " + string("registry.example/app:" + c));
                if (random.nextBoolean()) {
                    line(inner, "args: [\"--port\", '8080']");
                }
                if (random.nextBoolean() || c > 0 && mode) {
                    line(inner, "env:");
                    item(inner, "name: MODE");
                    line(inner + 1 + (sequenceIndent > 0 ? 1 : 0), "value: " + (c == 0 ? "&mode " : "") + string("fast"));
                    mode |= c == 0;
                    if (c > 0 && mode) {
                        item(inner, "name: MODE_AGAIN");
                        line(inner + 1 + (sequenceIndent > 0 ? 1 : 0), "value: *mode");
                    }
                }
                if (random.nextBoolean()) {
                    line(inner, "command:");
                    item(inner, "sh");
                    item(inner, "-c");
                    item(inner, "|");
                    line(inner + 2, "echo start");
                    blankInside();
                    line(inner + 2, "exec app");
                }
                comments(inner);
            }
        }
        if (random.nextBoolean()) {
            line(level, "restartPolicy: " + string("Always"));
        }
        if (random.nextInt(3) == 0) {
            out.append(SourceLayout.spaces(level * indent)).append("# foot comment\n");
        }
        blank();
    }

    /** A sequence item under a key at {@code level}: "- " at the key's column, or indented. */
    private void item(int level, String first) {
        out.append(SourceLayout.spaces(level * indent + sequenceIndent)).append("- ").append(first).append('\n');
    }

    private void line(int level, String text) {
        out.append(SourceLayout.spaces(level * indent)).append(text).append('\n');
    }

    private void comments(int level) {
        if (random.nextInt(3) == 0) {
            out.append(SourceLayout.spaces(level * indent)).append("# a comment about what follows\n");
        }
    }

    private String comment() {
        return random.nextInt(4) == 0 ? "  # why" : "";
    }

    private void blank() {
        if (random.nextInt(3) == 0) {
            out.append('\n');
        }
    }

    private void blankInside() {
        if (random.nextBoolean()) {
            out.append('\n');
        }
    }

    private String string(String value) {
        return switch (random.nextInt(3)) {
            case 0 -> value;
            case 1 -> "'" + value + "'";
            default -> '"' + value + '"';
        };
    }

    private static String name(int d) {
        return "app" + d;
    }
}
