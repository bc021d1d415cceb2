package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubectl sidecar uninject}: removes exactly what injection added, as its injection record says. */
@Command(name = "uninject", sortOptions = false,
        description = "Remove the sidecar from manifests injected by kubectl-sidecar or Istio, as their injection record says.",
        footer = {"", "Examples:", "  kubectl get deploy web -o yaml | kubectl sidecar uninject -f -"})
public final class UninjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ManifestInput input;

    @Override
    public Integer call() {
        ManifestInjector injector = new ManifestInjector(new InjectionEngine(ConfigLoader.embeddedDefault()),
                PodRequest.offline("default"));
        return ManifestPipeline.run(input, System.in, spec.commandLine().getOut(), spec.commandLine().getErr(),
                injector::uninject);
    }
}
