package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.memo.RecentlyUsed;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The digest an injection record keeps of a sidecar container's program (its command and args), and
 * {@link RecordCheck}'s comparison with it. The agent checks the record of every injected pod it tracks, and thousands
 * of pods run the same few sidecars, whose args (Envoy's bootstrap) are kilobytes to serialise and hash: so the last
 * {@value #REMEMBERED} digests are remembered with the program that hashes to each. A container matches a recorded
 * digest without hashing when its program is that one string for string (the same strings in the same order are
 * written as the same bytes, so they have the same digest); any other program is hashed, as without the memory.
 * Programs longer than {@value #MAX_REMEMBERED_CHARS} characters are never kept, so the memory stays small whatever
 * pods say. Safe for concurrent use.
 */
final class ProgramDigests {
    static final int REMEMBERED = 32;
    static final int MAX_REMEMBERED_CHARS = 32 * 1024;

    /** A program made only of strings: its command and args, each null when the container has none. */
    private record Program(List<String> command, List<String> args) {
        /** The container's program, or null when a part is not a list of strings or the whole is too long to keep. */
        static Program of(JsonNode container) {
            JsonNode command = container.path("command");
            JsonNode args = container.path("args");
            if (!stringsOrAbsent(command) || !stringsOrAbsent(args) || chars(command) + chars(args) > MAX_REMEMBERED_CHARS) {
                return null;
            }
            return new Program(strings(command), strings(args));
        }

        private static boolean stringsOrAbsent(JsonNode part) {
            if (part.isMissingNode()) {
                return true;
            }
            if (!part.isArray()) {
                return false;
            }
            for (JsonNode item : part) {
                if (!item.isString()) {
                    return false;
                }
            }
            return true;
        }

        private static long chars(JsonNode part) {
            long chars = 0;
            for (JsonNode item : part) {
                chars += item.asString().length();
            }
            return chars;
        }

        private static List<String> strings(JsonNode part) {
            if (part.isMissingNode()) {
                return null;
            }
            List<String> out = new ArrayList<>(part.size());
            part.forEach(item -> out.add(item.asString()));
            return out;
        }
    }

    private static final RecentlyUsed<String, Program> BY_DIGEST = new RecentlyUsed<>(REMEMBERED);

    private ProgramDigests() {
    }

    /** The digest of the container's command and args: FNV-1a of their JSON. */
    static String of(JsonNode container) {
        String digest = hash(container);
        remember(digest, Program.of(container));
        return digest;
    }

    /** Exactly {@code recorded.equals(of(container))}, without hashing a program remembered under {@code recorded}. */
    static boolean matches(JsonNode container, String recorded) {
        Program program = Program.of(container);
        if (program != null && program.equals(BY_DIGEST.get(recorded))) {
            return true;
        }
        String digest = hash(container);
        remember(digest, program);
        return recorded.equals(digest);
    }

    /** Whether a program is remembered under the digest (at most {@value #REMEMBERED} are). */
    static boolean remembers(String digest) {
        return BY_DIGEST.contains(digest);
    }

    private static void remember(String digest, Program program) {
        if (program != null) {
            BY_DIGEST.put(digest, program);
        }
    }

    private static String hash(JsonNode container) {
        ObjectNode program = Json.object();
        program.set("command", container.path("command").isMissingNode() ? null : container.get("command"));
        program.set("args", container.path("args").isMissingNode() ? null : container.get("args"));
        return SidecarParts.fnv1a64(JsonText.writeJsonBytes(program));
    }
}
