package dev.kubectlsidecar.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Help.Ansi;

/**
 * {@code kubectl sidecar} and {@code kubectl sidecar --help} print a text rendered by picocli at build time
 * ({@link #main}, run by the cli module's build), so the most common first command does not pay for picocli's
 * reflective model of every subcommand (~150 ms of a cold start). picocli renders it at a fixed width of 80
 * columns and without colours, so the text is the same wherever it is printed.
 */
final class TopLevelHelp {
    static final String RESOURCE = "help.txt";
    private static final List<List<String>> ASKING = List.of(List.of(), List.of("--help"), List.of("-h"), List.of("help"));

    private TopLevelHelp() {
    }

    static boolean asked(String[] args) {
        return ASKING.contains(List.of(args));
    }

    /** The build-time text, or null when this jar was built without it (then picocli renders it). */
    static String prerendered() {
        try (InputStream in = TopLevelHelp.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    static String render() {
        return Main.commandLine().getUsageMessage(Ansi.OFF);
    }

    /** Build step: writes the text to {@code args[0]}. */
    public static void main(String[] args) {
        try {
            Path file = Path.of(args[0]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, render(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
