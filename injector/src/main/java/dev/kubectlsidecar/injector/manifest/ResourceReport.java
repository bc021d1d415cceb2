package dev.kubectlsidecar.injector.manifest;

import java.util.List;
import java.util.Locale;

/**
 * What happened to one resource of a manifest, printed in linkerd's style:
 * {@code deployment/web injected}, {@code service/web skipped (not a workload)},
 * {@code daemonset/x skipped: pod uses hostNetwork}.
 */
public record ResourceReport(String kind, String name, Outcome outcome, String detail, List<String> warnings) {
    public enum Outcome {
        INJECTED("injected"), UNINJECTED("uninjected"), SKIPPED("skipped"), UNCHANGED("unchanged"),
        NOT_A_WORKLOAD("skipped");

        private final String word;

        Outcome(String word) {
            this.word = word;
        }
    }

    public ResourceReport {
        warnings = List.copyOf(warnings);
    }

    public String line() {
        String subject = (kind == null ? "object" : kind.toLowerCase(Locale.ROOT)) + "/" + (name == null ? "<unnamed>" : name);
        return switch (outcome) {
            case NOT_A_WORKLOAD -> subject + " skipped (not a workload)";
            case SKIPPED -> subject + " skipped: " + detail;
            case UNCHANGED -> subject + " unchanged (" + detail + ")";
            default -> subject + " " + outcome.word;
        };
    }
}
