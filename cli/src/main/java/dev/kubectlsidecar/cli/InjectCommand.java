package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.KubeVersion;
import dev.kubectlsidecar.injector.config.NativeSidecarMode;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubectl sidecar inject}: adds the sidecar to every workload of a manifest, offline. */
@Command(name = "inject", sortOptions = false,
        description = {"Add the sidecar to the workloads of manifests (like istioctl kube-inject); no cluster needed.",
                "The result goes to stdout, a line per resource to stderr."},
        footer = {"", "Examples:",
                "  kubectl sidecar inject -f app.yaml | kubectl apply -f -",
                "  kubectl sidecar inject -f manifests/ --diff",
                "  helm template my-chart | kubectl sidecar inject -f - -o json"})
public final class InjectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ManifestInput input;

    @Mixin
    EngineOptions engineOptions;

    @Option(names = "--native-sidecar", paramLabel = "auto|true|false", converter = NativeModeConverter.class,
            description = "Inject the proxy as a native sidecar (Kubernetes >= 1.29). Default: the config's (auto: no, offline).")
    NativeSidecarMode nativeSidecar;

    @Option(names = "--kube-version", paramLabel = "X.Y", converter = KubeVersionConverter.class,
            description = "Kubernetes version to inject for (like Helm's): native-sidecar auto means yes from 1.29. "
                    + "Default: the cluster's, when one is consulted; unknown offline.")
    KubeVersion kubeVersion;

    @Override
    public Integer call() {
        EngineOptions.Choice choice = engineOptions.choose(spec.commandLine().getErr());
        PodRequest request = new PodRequest(NamespaceInfo.unlabelled(engineOptions.namespace()), nativeSidecar,
                kubeVersion != null ? kubeVersion : choice.kubeVersion());
        ManifestInjector injector = new ManifestInjector(choice.engine(), request);
        return ManifestPipeline.run(input, System.in, spec.commandLine().getOut(), spec.commandLine().getErr(),
                injector::inject);
    }

    static final class KubeVersionConverter implements picocli.CommandLine.ITypeConverter<KubeVersion> {
        @Override
        public KubeVersion convert(String value) {
            try {
                return KubeVersion.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class NativeModeConverter implements picocli.CommandLine.ITypeConverter<NativeSidecarMode> {
        @Override
        public NativeSidecarMode convert(String value) {
            try {
                return NativeSidecarMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("must be one of auto, true, false");
            }
        }
    }
}
