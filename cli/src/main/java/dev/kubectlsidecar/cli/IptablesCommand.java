package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.manifest.Document;
import dev.kubectlsidecar.injector.manifest.ManifestException;
import dev.kubectlsidecar.injector.manifest.ManifestInjector.WorkloadPod;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import dev.kubectlsidecar.injector.traffic.Family;
import dev.kubectlsidecar.injector.traffic.IptablesRules;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kubectl sidecar iptables}: the rules each pod's init container will apply, for review and troubleshooting. */
@Command(name = "iptables", sortOptions = false,
        description = "Print, for each pod template of manifests, the iptables rules its istio-init container applies.",
        footer = {"", "Examples:", "  kubectl sidecar iptables -f app.yaml",
                "  kubectl get deploy web -o yaml | kubectl sidecar iptables -f -"})
public final class IptablesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ManifestFiles files;

    @Mixin
    EngineOptions engineOptions;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() {
        InjectionEngine engine = engineOptions.choose(spec.commandLine().getErr()).engine();
        ManifestInjector injector = new ManifestInjector(engine, PodRequest.offline(engineOptions.namespace()));
        StringBuilder out = new StringBuilder();
        for (ManifestSources.Source source : files.read(System.in)) {
            for (Document document : ManifestReader.read(source.name(), source.text())) {
                for (WorkloadPod workload : injector.workloads(source.name(), List.of(document))) {
                    describe(engine, source.name(), document, workload, out);
                }
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(out);
        stdout.flush();
        return 0;
    }

    private static void describe(InjectionEngine engine, String source, Document document, WorkloadPod workload,
                                 StringBuilder out) {
        PodInjection decision;
        IptablesRules rules;
        try {
            decision = engine.inject(workload.pod(), PodRequest.offline(workload.namespace()));
            rules = IptablesRules.of(engine.trafficSettings(workload.pod()));
        } catch (InvalidAnnotationException | MalformedPodException e) {
            // Where the document is, as inject says it.
            throw new ManifestException(source, document.number(), document.line(), workload.subject() + ": " + e.getMessage());
        }
        if (!decision.injected()) {
            out.append("# ").append(workload.subject()).append(": no sidecar, no rules (")
                    .append(decision.decision().summary()).append(")\n\n");
            return;
        }
        out.append("# ").append(workload.subject()).append(": IPv4 (iptables-restore --noflush)\n")
                .append(rules.restoreInput(Family.V4).strip()).append("\n\n");
        out.append("# ").append(workload.subject()).append(": IPv6, applied only when the pod has an IPv6 address\n")
                .append(rules.restoreInput(Family.V6).strip()).append("\n\n");
    }
}
