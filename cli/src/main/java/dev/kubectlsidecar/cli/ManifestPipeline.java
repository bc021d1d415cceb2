package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.support.ManifestDiff;
import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestFormat;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestSource;
import dev.kubectlsidecar.injector.manifest.ManifestWriter;
import dev.kubectlsidecar.injector.manifest.ResourceReport;
import dev.kubectlsidecar.injector.text.PrintedText;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;

/**
 * Reads every input, transforms it, and only then prints: the result (or a diff) on stdout in one write, the
 * per-resource report on stderr after it. Any error stops everything before stdout is touched.
 * <p>
 * Each file's result is the file as written with only the engine's changes edited in ({@link ManifestSource#write}),
 * unless {@code -o} asks for the other format, in which case its documents are written afresh in that format.
 * {@code --diff} and {@code -i} show and write, per file, exactly that text.
 */
final class ManifestPipeline {
    private ManifestPipeline() {
    }

    /** One input file, its transformed documents, and the text that would replace it. */
    private record Rewrite(ManifestSources.Source source, ManifestSource manifest, List<JsonNode> results,
                           String text) {
    }

    static int run(ManifestInput input, InputStream stdin, PrintWriter out, PrintWriter err,
                   BiFunction<String, List<Document>, ManifestInjector.Result> transform) {
        if (input.inPlace && (input.diff || input.outputFile != null || input.files.files.contains("-"))) {
            throw new UserError("--in-place rewrites the input files: it cannot be combined with --diff, --output-file or -f -");
        }
        List<ManifestSources.Source> sources = input.files.read(stdin);
        List<Rewrite> rewrites = new ArrayList<>();
        List<ResourceReport> reports = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ManifestSources.Source source : sources) {
            ManifestSource manifest = ManifestSource.read(source.name(), source.text());
            if (manifest.documents().isEmpty()) {
                warnings.add("warning: " + source.name() + ": no Kubernetes object in it ("
                        + (source.text().isBlank() ? "an empty file" : "only comments or empty documents") + ")");
            }
            ManifestInjector.Result result = transform.apply(source.name(), manifest.documents());
            reports.addAll(result.reports());
            rewrites.add(new Rewrite(source, manifest, result.documents(),
                    rewrite(manifest, result.documents(), input.format)));
        }
        if (input.inPlace) {
            // Every input is read and transformed before the first one is written; unchanged files are left alone.
            for (Rewrite rewrite : rewrites) {
                if (!rewrite.text().equals(rewrite.source().text())) {
                    AtomicFile.write(Path.of(rewrite.source().name()), rewrite.text());
                }
            }
        } else {
            String stdout = input.diff ? diff(rewrites, input) : joined(rewrites, input.format);
            if (input.outputFile != null) {
                AtomicFile.write(input.outputFile, stdout);
            } else {
                out.print(stdout);
                out.flush();
            }
        }
        warnings.forEach(warning -> err.println(PrintedText.escape(warning)));
        for (ResourceReport report : reports) {
            err.println(PrintedText.escape(report.line()));
            report.warnings().forEach(warning -> err.println("  warning: " + PrintedText.escape(warning)));
        }
        err.flush();
        return 0;
    }

    /** The file's text with the changes edited in, or its documents written afresh in the format {@code -o} names. */
    private static String rewrite(ManifestSource manifest, List<JsonNode> results, ManifestFormat format) {
        if (format == null || format == manifest.format()) {
            return manifest.write(results);
        }
        return ManifestWriter.write(results, format);
    }

    private static String diff(List<Rewrite> rewrites, ManifestInput input) {
        StringBuilder diff = new StringBuilder();
        for (Rewrite rewrite : rewrites) {
            String name = rewrite.source().name();
            boolean stdin = name.equals("stdin") && input.files.files.contains("-");
            diff.append(ManifestDiff.unified(stdin ? "-" : name, rewrite.source().text(), rewrite.text()));
        }
        return diff.toString();
    }

    /**
     * Everything on stdout: one file's text as it would be written; several, one YAML stream (a JSON file is a
     * YAML document too); with {@code -o json} and several documents, one {@code List}.
     */
    private static String joined(List<Rewrite> rewrites, ManifestFormat format) {
        if (rewrites.size() == 1) {
            return rewrites.get(0).text();
        }
        if (format == ManifestFormat.JSON) {
            List<JsonNode> all = new ArrayList<>();
            rewrites.forEach(rewrite -> all.addAll(rewrite.results()));
            return ManifestWriter.write(all, ManifestFormat.JSON);
        }
        StringBuilder out = new StringBuilder();
        for (Rewrite rewrite : rewrites) {
            String text = rewrite.manifest().format() == ManifestFormat.JSON && rewrite.results().size() > 1
                    ? ManifestWriter.write(rewrite.results(), ManifestFormat.YAML) : rewrite.text();
            if (text.isBlank()) {
                continue;
            }
            if (!out.isEmpty()) {
                if (out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
                text = text.startsWith("\uFEFF") ? text.substring(1) : text;
                if (!text.startsWith("---")) {
                    out.append("---\n");
                }
            }
            out.append(text);
        }
        return out.toString();
    }
}
