package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.FileErrors;
import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code install --config FILE}: the injection config the agent's ConfigMap is to hold, read and checked before
 * anything is applied. At most {@value #MAX_BYTES} bytes: a ConfigMap's data holds 1 MiB counting its keys, and the
 * text goes under {@code config.yaml} (read no further, so a device or a pipe cannot make it wait for more).
 *
 * @param text the file's text, as the ConfigMap stores it
 */
record ConfigFile(InjectionConfig config, String text) {
    static final int MAX_BYTES = 1024 * 1024 - ClusterInjectionConfig.KEY.length();

    /** @throws dev.kubectlsidecar.injector.config.InvalidConfigException naming the file and the field */
    static ConfigFile read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UserError("--config " + file + ": cannot read: " + FileErrors.reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw new UserError("--config " + file + ": more than " + MAX_BYTES + " bytes, more than a ConfigMap holds under its key " + ClusterInjectionConfig.KEY);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError("--config " + file + ": not valid UTF-8 text");
        }
        return new ConfigFile(ConfigLoader.parse(file.toString(), text), text);
    }
}
