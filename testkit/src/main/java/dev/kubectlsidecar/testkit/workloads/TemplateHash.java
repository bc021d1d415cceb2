package dev.kubectlsidecar.testkit.workloads;

import dev.kubectlsidecar.injector.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/** A 10-character hash of a workload's pod template, like the controllers' {@code pod-template-hash}. */
public final class TemplateHash {
    private TemplateHash() {
    }

    public static String of(JsonNode workload) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    JsonMappers.JSON.writeValueAsString(workload.path("spec").path("template")).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
