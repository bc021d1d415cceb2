package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.manifest.ManifestFormat;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code inject} and {@code uninject} share: where manifests come from and how results are printed. */
final class ManifestInput {
    @Mixin
    ManifestFiles files;

    @Option(names = {"-o", "--output"}, paramLabel = "yaml|json", converter = FormatConverter.class,
            description = "Output format: yaml or json (one object, or a List for several). Default: as each file is"
                    + " written, changed only where injection changes it.")
    ManifestFormat format;

    @Option(names = "--diff", description = "Print a unified diff of each file as written against its result instead of"
            + " the result (patch -p1 and git apply apply it).")
    boolean diff;

    @Option(names = "--output-file", paramLabel = "FILE",
            description = "Write the result to FILE (whole, or not at all: a temporary file renamed over it).")
    java.nio.file.Path outputFile;

    @Option(names = {"-i", "--in-place"}, description = "Rewrite each input file with its result (each written whole or not at all).")
    boolean inPlace;

    @Mixin
    Verbosity verbosity;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ManifestFormat> {
        @Override
        public ManifestFormat convert(String value) {
            return switch (value) {
                case "yaml" -> ManifestFormat.YAML;
                case "json" -> ManifestFormat.JSON;
                default -> throw new picocli.CommandLine.TypeConversionException("must be one of yaml, json");
            };
        }
    }
}
