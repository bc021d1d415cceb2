package dev.kubectlsidecar.injector.policy;

import java.util.List;

/** The policy's verdict for one pod, with the reasons in the order they were weighed. */
public record Decision(boolean inject, List<Reason> reasons) {
    public Decision {
        reasons = List.copyOf(reasons);
    }

    static Decision inject(List<Reason> reasons) {
        return new Decision(true, reasons);
    }

    static Decision skip(List<Reason> reasons) {
        return new Decision(false, reasons);
    }

    /** The reasons as one line: "pod uses hostNetwork; …". */
    public String summary() {
        return String.join("; ", reasons.stream().map(Reason::message).toList());
    }
}
