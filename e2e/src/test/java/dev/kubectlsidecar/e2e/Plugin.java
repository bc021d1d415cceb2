package dev.kubectlsidecar.e2e;

import dev.kubectlsidecar.cli.CliRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugin run against the local cluster, as `kubectl sidecar …` with --kubeconfig would run it: in-process, or
 * the executable that {@code -Dkubectl-sidecar.executable} names (see {@code CliExecutable}).
 */
final class Plugin {
    record Result(int exitCode, String out, String err) {
        String both() {
            return out + err;
        }
    }

    private final Path kubeconfig;

    Plugin(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--kubeconfig");
        all.add(kubeconfig.toString());
        CliRunner.Result result = CliRunner.run(all.toArray(String[]::new));
        return new Result(result.exitCode(), result.out(), result.err());
    }
}
