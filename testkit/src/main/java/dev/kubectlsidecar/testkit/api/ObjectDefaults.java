package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * The metadata the API server fills in on create, for the cases the mock does not see: a dry-run create (never
 * stored) and {@code generateName}, which the API server resolves after admission.
 */
public final class ObjectDefaults {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ObjectDefaults() {
    }

    /** Sets {@code metadata.name} from {@code generateName} plus five random characters, when only the latter is set. */
    public static void generateName(ObjectNode object) {
        ObjectNode metadata = Json.objectAt(object, "metadata");
        String prefix = Json.text(metadata, "generateName");
        if (Json.text(metadata, "name") == null && prefix != null) {
            metadata.put("name", prefix + randomSuffix());
        }
    }

    /** Five characters of the alphabet Kubernetes uses for generated names. */
    public static String randomSuffix() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    /** A copy of {@code object} as a dry-run create returns it: with a uid and creation time, stored nowhere. */
    public static ObjectNode asStored(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        generateName(copy);
        ObjectNode metadata = Json.objectAt(copy, "metadata");
        metadata.put("uid", Optional.ofNullable(Json.text(metadata, "uid")).orElse(UUID.randomUUID().toString()));
        metadata.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return copy;
    }
}
