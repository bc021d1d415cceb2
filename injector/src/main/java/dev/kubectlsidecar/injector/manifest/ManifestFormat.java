package dev.kubectlsidecar.injector.manifest;

/** How a manifest is written: YAML documents, or JSON (one object, or a {@code List} for several). */
public enum ManifestFormat {
    YAML, JSON
}
