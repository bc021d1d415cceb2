package dev.kubectlsidecar.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the plugin as a user would from a shell, and keeps what it printed: in-process, or as the executable that
 * {@link CliExecutable}'s switch names.
 */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        return withStdin("", args);
    }

    static synchronized CliRun withStdin(String stdin, String... args) {
        var executable = CliExecutable.configured();
        if (executable.isPresent()) {
            CliExecutable.Output run = CliExecutable.run(executable.get(), stdin, List.of(args));
            return new CliRun(run.exitCode(), run.out(), run.err());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int code = Main.commandLine(args)
                    .setOut(new PrintWriter(out, true))
                    .setErr(new PrintWriter(err, true))
                    .execute(args);
            return new CliRun(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }
}
