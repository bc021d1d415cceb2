package dev.kubectlsidecar.cli;

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
 * with {@code -R} its subdirectories too), or {@code -} for standard input. Reads each whole, strictly as UTF-8.
 */
final class ManifestSources {
    record Source(String name, String text) {
    }

    private ManifestSources() {
    }

    static List<Source> read(List<String> arguments, boolean recursive, InputStream stdin) {
        List<Source> sources = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals("-")) {
                sources.add(new Source("stdin", decode("stdin", readAll(stdin))));
                continue;
            }
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                for (Path file : manifestsIn(path, recursive)) {
                    sources.add(new Source(file.toString(), decode(file.toString(), readFile(file))));
                }
            } else if (Files.exists(path)) {
                sources.add(new Source(argument, decode(argument, readFile(path))));
            } else {
                throw new UserError(argument + ": no such file or directory");
            }
        }
        return sources;
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
            throw new UserError(directory + ": cannot list the directory: " + e.getMessage());
        }
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UserError("stdin: cannot read: " + e.getMessage());
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
