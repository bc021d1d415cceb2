package dev.kubectlsidecar.cli.cluster;

import java.util.List;

/** One line of {@code verify}: ✔ ok, ‼ warning, ✘ failure; failures and warnings carry a hint saying what to run. */
record CheckResult(String group, Level level, String message, String hint, List<String> details) {
    enum Level {
        OK("✔"), WARN("‼"), FAIL("✘");

        final String mark;

        Level(String mark) {
            this.mark = mark;
        }
    }

    CheckResult {
        details = List.copyOf(details);
    }

    static CheckResult ok(String group, String message) {
        return new CheckResult(group, Level.OK, message, null, List.of());
    }

    static CheckResult warn(String group, String message, String hint) {
        return new CheckResult(group, Level.WARN, message, hint, List.of());
    }

    static CheckResult fail(String group, String message, String hint) {
        return new CheckResult(group, Level.FAIL, message, hint, List.of());
    }

    CheckResult withDetails(List<String> more) {
        return new CheckResult(group, level, message, hint, more);
    }
}
