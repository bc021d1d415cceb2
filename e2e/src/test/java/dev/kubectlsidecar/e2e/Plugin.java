package dev.kubectlsidecar.e2e;

import dev.kubectlsidecar.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The plugin run in-process against the local cluster, as `kubectl sidecar …` with --kubeconfig would run it. */
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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(all.toArray(String[]::new)).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }
}
