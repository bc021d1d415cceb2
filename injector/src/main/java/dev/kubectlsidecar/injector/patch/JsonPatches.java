package dev.kubectlsidecar.injector.patch;

import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.EnumSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * RFC 6902 patches between two pod trees. Only {@code add}, {@code remove} and {@code replace} are emitted (no
 * {@code move}/{@code copy}), and additions under a missing parent are emitted as one {@code add} of the whole
 * parent, which is what the API server's patch implementation requires.
 */
public final class JsonPatches {
    private static final EnumSet<DiffFlags> FLAGS =
            EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.OMIT_VALUE_ON_REMOVE);

    private JsonPatches() {
    }

    public static ArrayNode diff(JsonNode original, JsonNode mutated) {
        return (ArrayNode) JsonDiff.asJson(original, mutated, FLAGS);
    }

    /** Applies {@code patch} to a copy of {@code target}. */
    public static JsonNode apply(JsonNode patch, JsonNode target) {
        return JsonPatch.apply(patch, target);
    }
}
