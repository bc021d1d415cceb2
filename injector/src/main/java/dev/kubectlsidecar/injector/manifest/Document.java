package dev.kubectlsidecar.injector.manifest;

import tools.jackson.databind.JsonNode;

/** One document of a manifest: its 1-based number in the file, the line it starts on, and its tree. */
public record Document(int number, int line, JsonNode tree) {
}
