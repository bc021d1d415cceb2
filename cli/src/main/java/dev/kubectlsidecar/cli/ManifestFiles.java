package dev.kubectlsidecar.cli;

import java.io.InputStream;
import java.util.List;
import picocli.CommandLine.Option;

/** Where manifests come from: {@code -f FILE|DIR|-} (repeatable) and {@code -R}, as in kubectl. */
final class ManifestFiles {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
            description = "Manifest file, directory of manifests, or - for standard input. Repeatable.")
    List<String> files;

    @Option(names = {"-R", "--recursive"}, description = "Process directories given with -f recursively.")
    boolean recursive;

    List<ManifestSources.Source> read(InputStream stdin) {
        return ManifestSources.read(files, recursive, stdin);
    }
}
