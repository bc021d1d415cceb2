package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that shape offline injection: which config, and the namespace of resources that name none. */
final class EngineOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Injection config (profiles) replacing the embedded default.")
    Path config;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
            description = "Namespace assumed for resources that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    InjectionEngine engine() {
        return new InjectionEngine(config == null ? ConfigLoader.embeddedDefault() : ConfigLoader.load(config));
    }
}
