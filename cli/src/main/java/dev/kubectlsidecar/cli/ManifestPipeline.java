package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.PrintedText;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.manifest.ManifestWriter;
import dev.kubectlsidecar.injector.manifest.ResourceReport;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;

/**
 * Reads every input, transforms it, and only then prints: the result (or a diff) on stdout in one write, the
 * per-resource report on stderr after it. Any error stops everything before stdout is touched.
 */
final class ManifestPipeline {
    private ManifestPipeline() {
    }

    static int run(ManifestInput input, InputStream stdin, PrintWriter out, PrintWriter err,
                   BiFunction<String, List<Document>, ManifestInjector.Result> transform) {
        if (input.inPlace && (input.diff || input.outputFile != null || input.files.files.contains("-"))) {
            throw new UserError("--in-place rewrites the input files: it cannot be combined with --diff, --output-file or -f -");
        }
        List<ManifestSources.Source> sources = input.files.read(stdin);
        List<String> rewritten = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        List<ResourceReport> reports = new ArrayList<>();
        StringBuilder diff = new StringBuilder();
        for (ManifestSources.Source source : sources) {
            List<Document> documents = ManifestReader.read(source.name(), source.text());
            ManifestInjector.Result result = transform.apply(source.name(), documents);
            results.addAll(result.documents());
            reports.addAll(result.reports());
            rewritten.add(ManifestWriter.write(result.documents(), input.format));
            if (input.diff) {
                List<JsonNode> before = documents.stream().map(Document::tree).toList();
                diff.append(ManifestDiff.unified(source.name(),
                        ManifestWriter.write(before, input.format), ManifestWriter.write(result.documents(), input.format)));
            }
        }
        if (input.inPlace) {
            // Every input is read and transformed before the first one is written.
            for (int i = 0; i < sources.size(); i++) {
                AtomicFile.write(java.nio.file.Path.of(sources.get(i).name()), rewritten.get(i));
            }
        } else {
            String stdout = input.diff ? diff.toString() : ManifestWriter.write(results, input.format);
            if (input.outputFile != null) {
                AtomicFile.write(input.outputFile, stdout);
            } else {
                out.print(stdout);
                out.flush();
            }
        }
        for (ResourceReport report : reports) {
            err.println(PrintedText.escape(report.line()));
            report.warnings().forEach(warning -> err.println("  warning: " + PrintedText.escape(warning)));
        }
        err.flush();
        return 0;
    }

}
