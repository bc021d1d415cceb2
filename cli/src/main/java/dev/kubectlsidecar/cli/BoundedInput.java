package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.support.FileErrors;
import dev.kubectlsidecar.cli.support.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads manifest inputs under explicit limits, enforced while the bytes come in (before anything is parsed), so
 * {@code -f /dev/zero}, a huge file or a giant one-line scalar is refused quickly, in little memory, with one line:
 * <ul>
 * <li>{@value #MAX_INPUT_BYTES} bytes (32 MiB) per input (a file, or stdin); a regular file's size is checked
 * before it is opened;</li>
 * <li>{@value #MAX_TOTAL_BYTES} bytes (64 MiB) for all inputs of one run;</li>
 * <li>{@value #MAX_YAML_LINE_BYTES} bytes (1.5 MiB, the API server's limit for a whole object) per line of YAML:
 * no object the API server stores holds a longer line, and the YAML parser's time grows with a scalar's length.
 * JSON (an input starting with {@code {} or {@code [}) is parsed in linear time and often one line, so there the
 * limit is on each string instead.</li>
 * </ul>
 * One instance per run: it counts the bytes of all inputs.
 */
final class BoundedInput {
    static final long MAX_INPUT_BYTES = 32L * 1024 * 1024;
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    static final int MAX_YAML_LINE_BYTES = 1536 * 1024;
    private static final int CHUNK = 64 * 1024;

    private long total;

    /** The file's bytes; errors carry the operating system's reason. */
    byte[] read(Path file) {
        String name = file.toString();
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new UserError(name + ": cannot read: Is a directory");
            }
            if (attributes.isRegularFile() && attributes.size() > MAX_INPUT_BYTES) {
                throw tooLarge(name, attributes.size() + " bytes");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return read(name, in);
            }
        } catch (IOException e) {
            throw new UserError(name + ": cannot read: " + FileErrors.reason(e), e);
        }
    }

    /** The stream's bytes, read in chunks and checked as they come. */
    byte[] read(String name, InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
        byte[] chunk = new byte[CHUNK];
        Scan scan = new Scan(name);
        long read = 0;
        for (int n; (n = in.read(chunk)) > 0; ) {
            read += n;
            if (read > MAX_INPUT_BYTES) {
                throw tooLarge(name, "more than " + MAX_INPUT_BYTES + " bytes");
            }
            if (total + read > MAX_TOTAL_BYTES) {
                throw new UserError(name + ": the inputs of this run together exceed " + mib(MAX_TOTAL_BYTES)
                        + ", the limit for one run: split it");
            }
            for (int i = 0; i < n; i++) {
                scan.accept(chunk[i]);
            }
            out.write(chunk, 0, n);
        }
        total += read;
        return out.toByteArray();
    }

    /**
     * Follows the bytes of one input: its format (from the first character), the length of the current line (YAML)
     * or of the current string (JSON, whose lines may be long: compact JSON is one line).
     */
    private static final class Scan {
        private final String name;
        private Boolean yaml;
        private long line = 1;
        private long lineBytes;
        private boolean inString;
        private boolean escaped;
        private long stringBytes;

        Scan(String name) {
            this.name = name;
        }

        void accept(byte b) {
            if (yaml == null && !leading(b)) {
                yaml = b != '{' && b != '[';
            }
            if (b == '\n' || b == '\r') {
                line += b == '\n' ? 1 : 0;
                lineBytes = 0;
            } else if (++lineBytes > MAX_YAML_LINE_BYTES && !Boolean.FALSE.equals(yaml)) {
                throw new UserError(name + ": line " + line + " is longer than " + mib(MAX_YAML_LINE_BYTES)
                        + ", the limit for a line of YAML (the API server's limit for a whole object)");
            }
            if (Boolean.FALSE.equals(yaml)) {
                json(b);
            }
        }

        private void json(byte b) {
            if (!inString) {
                inString = b == '"';
                stringBytes = 0;
            } else if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
            }
            if (inString && ++stringBytes > MAX_YAML_LINE_BYTES) {
                throw new UserError(name + ": line " + line + " holds a string longer than " + mib(MAX_YAML_LINE_BYTES)
                        + ", the API server's limit for a whole object");
            }
        }
    }

    /** Whitespace and a UTF-8 byte order mark, which may precede the first character that tells the format. */
    private static boolean leading(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == (byte) 0xEF || b == (byte) 0xBB || b == (byte) 0xBF;
    }

    private static UserError tooLarge(String name, String size) {
        return new UserError(name + ": " + size + " is larger than " + mib(MAX_INPUT_BYTES)
                + ", the limit for one manifest input: split it into several files");
    }

    private static String mib(long bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / (1024.0 * 1024) + " MiB";
    }
}
