package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.support.FileErrors;
import dev.kubectlsidecar.cli.support.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands {@code -f} arguments as kubectl does: a file, a directory (its .yaml/.yml/.json files in name order;
 * with {@code -R} its subdirectories too), or {@code -} for standard input. Reads each whole, strictly as UTF-8,
 * within the limits of {@link BoundedInput}; every file error carries the operating system's reason.
 */
final class ManifestSources {
    record Source(String name, String text) {
    }

    private ManifestSources() {
    }

    static List<Source> read(List<String> arguments, boolean recursive, InputStream stdin) {
        List<Source> sources = new ArrayList<>();
        BoundedInput input = new BoundedInput();
        for (String argument : arguments) {
            if (argument.equals("-")) {
                sources.add(new Source("stdin", decode("stdin", readAll(input, stdin))));
                continue;
            }
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                for (Path file : manifestsIn(path, recursive)) {
                    sources.add(new Source(file.toString(), decode(file.toString(), input.read(file))));
                }
            } else {
                sources.add(new Source(argument, decode(argument, input.read(path))));
            }
        }
        return sources;
    }

    /** One file's text, read like a manifest (limits, strict UTF-8, OS reasons): for {@code --config}. */
    static String readText(Path file) {
        return decode(file.toString(), new BoundedInput().read(file));
    }

    private static List<Path> manifestsIn(Path directory, boolean recursive) {
        try (Stream<Path> files = recursive ? Files.walk(directory) : Files.list(directory)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                throw new UserError(directory + ": no .yaml, .yml or .json files in this directory"
                        + (recursive ? "" : " (use -R to include subdirectories)"));
            }
            return found;
        } catch (IOException e) {
            throw new UserError(directory + ": cannot list the directory: " + FileErrors.reason(e));
        } catch (java.io.UncheckedIOException e) {
            throw new UserError(directory + ": cannot list the directory: " + FileErrors.reason(e.getCause()));
        }
    }

    private static byte[] readAll(BoundedInput input, InputStream in) {
        try {
            return input.read("stdin", in);
        } catch (IOException e) {
            throw new UserError("stdin: cannot read: " + FileErrors.reason(e));
        }
    }

    private static String decode(String name, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UserError(name + ": not valid UTF-8 text");
        }
    }
}
