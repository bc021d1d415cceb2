package dev.kubectlsidecar.bench.scale;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The scale run's command line, checked. */
record ScaleOptions(int pods, int namespaces, Path agentJar, Path pluginDir, Path out, int churn, int calls, int runs,
                    Duration settle, List<String> agentJvmOptions, boolean hold) {
    static final String USAGE = """
            Usage: java -cp bench/target/benchmarks.jar dev.kubectlsidecar.bench.scale.ScaleMain \\
                     --agent-jar agent/target/agent.jar --plugin-dir DIR [options]
              --pods N           pods in the cluster (default 10000)
              --namespaces N     namespaces they are spread over (default 500)
              --agent-jar PATH   the agent jar the Deployment runs (required)
              --plugin-dir DIR   where the installed kubectl-sidecar launcher is (required; install.sh --prefix P: P/bin)
              --out DIR          report, logs, kubeconfig (default bench/target/scale)
              --churn N          pods deleted and as many created while the agent watches (default 300)
              --calls N          GET /api/v1/status calls timed, directly and through the API server (default 20)
              --runs N           hyperfine runs of each CLI command (default 10)
              --settle SECONDS   wait after ready before measuring RSS again (default 30)
              --agent-jvm-option OPT  a JVM option for the agent after its manifest's, repeatable (to experiment)
              --hold             keep the cluster and agent running after the report, until stopped
            """;

    static ScaleOptions parse(List<String> args) {
        int pods = 10_000;
        int namespaces = 500;
        Path agentJar = null;
        Path pluginDir = null;
        Path out = Path.of("bench/target/scale");
        int churn = 300;
        int calls = 20;
        int runs = 10;
        int settle = 30;
        List<String> agentJvmOptions = new ArrayList<>();
        boolean hold = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--hold")) {
                hold = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg.startsWith("--") ? arg + " needs a value" : "unknown argument " + arg);
            }
            String value = args.get(++i);
            switch (arg) {
                case "--pods" -> pods = number(arg, value, 1);
                case "--namespaces" -> namespaces = number(arg, value, 1);
                case "--agent-jar" -> agentJar = Path.of(value);
                case "--plugin-dir" -> pluginDir = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--churn" -> churn = number(arg, value, 0);
                case "--calls" -> calls = number(arg, value, 1);
                case "--runs" -> runs = number(arg, value, 2);
                case "--settle" -> settle = number(arg, value, 0);
                case "--agent-jvm-option" -> agentJvmOptions.add(value);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (agentJar == null || !Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("--agent-jar must name the agent jar" + (agentJar == null ? "" : "; " + agentJar + " is not a file"));
        }
        if (pluginDir == null || !Files.isExecutable(pluginDir.resolve("kubectl-sidecar"))) {
            throw new IllegalArgumentException("--plugin-dir must hold an executable kubectl-sidecar"
                    + (pluginDir == null ? "" : "; " + pluginDir + " does not"));
        }
        if (churn > pods - pods / 100) {
            throw new IllegalArgumentException("--churn " + churn + " is more than the pods outside kube-system");
        }
        return new ScaleOptions(pods, namespaces, agentJar.toAbsolutePath(), pluginDir.toAbsolutePath(), out, churn,
                calls, runs, Duration.ofSeconds(settle), List.copyOf(agentJvmOptions), hold);
    }

    private static int number(String flag, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " must be a whole number of at least " + min + ", got \"" + value + "\"");
    }
}
