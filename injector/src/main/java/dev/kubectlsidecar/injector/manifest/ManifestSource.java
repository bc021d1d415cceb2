package dev.kubectlsidecar.injector.manifest;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A manifest file as written: its text, its documents (with their trees), and where each node of each is written,
 * so that the engine's result can be written back as the smallest edit of that text ({@link #write}): comments,
 * blank lines, quoting, flow and block styles, anchors, document markers, empty documents, line breaks, a byte-order
 * mark and the final line break (or its absence) are kept, and only what changed is rewritten.
 */
public final class ManifestSource {
    private final String name;
    private final String text;
    private final ManifestFormat format;
    private final List<Document> documents;
    private final List<SourceNode> roots;

    private ManifestSource(String name, String text, ManifestFormat format, List<Document> documents,
                           List<SourceNode> roots) {
        this.name = name;
        this.text = text;
        this.format = format;
        this.documents = documents;
        this.roots = roots;
    }

    /**
     * Reads {@code text}: multi-document YAML, or JSON (one or more values). Empty documents have no tree (kubectl
     * skips them) but keep their place in the text.
     *
     * @param name the name used in error messages (a path, or "stdin")
     * @throws ManifestException naming the file, the document and the line, when the text is not a manifest
     */
    public static ManifestSource read(String name, String text) {
        ManifestFormat format = ManifestReader.detect(text);
        List<YamlSource.Read> read = format == ManifestFormat.JSON ? JsonSource.read(name, text)
                : YamlSource.read(name, text);
        List<Document> documents = new ArrayList<>();
        List<SourceNode> roots = new ArrayList<>();
        for (YamlSource.Read document : read) {
            SourceNode root = document.root();
            if (root == null) {
                continue;
            }
            if (root.resolved().kind != SourceNode.Kind.MAPPING) {
                throw new ManifestException(name, document.number(), document.line(), "not a Kubernetes object (a "
                        + (root.resolved().kind == SourceNode.Kind.SEQUENCE ? "list" : "scalar") + " at the top level)");
            }
            documents.add(new Document(document.number(), document.line(), root.value));
            roots.add(root);
        }
        return new ManifestSource(name, text, format, List.copyOf(documents), roots);
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    public ManifestFormat format() {
        return format;
    }

    /** The documents that hold an object, in order; empty ones are left out. */
    public List<Document> documents() {
        return documents;
    }

    /**
     * The text with each document changed into the matching tree of {@code results} (one per document, in order)
     * by the smallest edits; the same text when nothing changed.
     *
     * @throws ManifestException when a change cannot be written without changing what an anchor means elsewhere
     */
    public String write(List<JsonNode> results) {
        if (results.size() != documents.size()) {
            throw new IllegalArgumentException(results.size() + " results for " + documents.size() + " documents");
        }
        SourcePatch patch = new SourcePatch(name, text, format == ManifestFormat.JSON, SourceLayout.of(text, roots));
        boolean anchors = false;
        for (int i = 0; i < documents.size(); i++) {
            if (!documents.get(i).tree().equals(results.get(i))) {
                patch.document(documents.get(i).number(), roots.get(i), results.get(i));
                anchors |= roots.get(i).hasAnchorsOrAliases();
            }
        }
        String written = SourcePatch.apply(text, patch.edits());
        if (anchors) {
            verify(written, results);
        }
        return written;
    }

    /**
     * Reads what was written back and checks it means the results: the guard that an edit near anchors, aliases or
     * merge keys never changes a meaning silently.
     */
    private void verify(String written, List<JsonNode> results) {
        List<Document> again;
        try {
            again = read(name, written).documents();
        } catch (ManifestException e) {
            throw unsure(e.getMessage());
        }
        for (int i = 0; i < results.size(); i++) {
            if (i >= again.size() || !again.get(i).tree().equals(results.get(i))) {
                throw unsure("document " + documents.get(i).number() + " would not mean what was injected");
            }
        }
        if (again.size() != results.size()) {
            throw unsure("the documents would not be the same");
        }
    }

    private ManifestException unsure(String why) {
        return new ManifestException(name, null, null, "cannot write the injection into the file as written, with its"
                + " anchors and aliases (" + why + "); expand them in the workloads and try again");
    }
}
