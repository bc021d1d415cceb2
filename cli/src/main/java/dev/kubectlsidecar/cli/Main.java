package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.cluster.DisableCommand;
import dev.kubectlsidecar.cli.cluster.EnableCommand;
import dev.kubectlsidecar.cli.cluster.InstallCommand;
import dev.kubectlsidecar.cli.cluster.RolloutCommand;
import dev.kubectlsidecar.cli.cluster.StatusCommand;
import dev.kubectlsidecar.cli.cluster.UninstallCommand;
import dev.kubectlsidecar.cli.cluster.VerifyCommand;
import dev.kubectlsidecar.cli.cluster.VersionCommand;
import dev.kubectlsidecar.cli.support.VersionProvider;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code kubectl sidecar}: the plugin's entry point. Each subcommand is its own class. */
@Command(name = "kubectl sidecar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Istio-compatible sidecar injection: inject manifests offline, or manage automatic injection.")
public final class Main implements Runnable {
    /** Offline commands run often in pipelines: for them, only their own model is built (picocli reflects eagerly). */
    private static final Set<String> BUILT_ALONE = Set.of("inject", "uninject", "iptables");

    /** Every subcommand, in the order the help lists them. */
    private static final List<String> COMMANDS = List.of("inject", "uninject", "iptables", "enable", "disable",
            "status", "rollout", "verify", "install", "uninstall", "version", "__complete", "help");

    /**
     * A new instance of the named subcommand. A switch rather than a map of constructor references: each reference
     * is linked through method handles when first met, and a cold {@code inject} needs one command, not twelve.
     */
    private static Object command(String name) {
        return switch (name) {
            case "inject" -> new InjectCommand();
            case "uninject" -> new UninjectCommand();
            case "iptables" -> new IptablesCommand();
            case "enable" -> new EnableCommand();
            case "disable" -> new DisableCommand();
            case "status" -> new StatusCommand();
            case "rollout" -> new RolloutCommand();
            case "verify" -> new VerifyCommand();
            case "install" -> new InstallCommand();
            case "uninstall" -> new UninstallCommand();
            case "version" -> new VersionCommand();
            case "__complete" -> new CompleteCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (TopLevelHelp.asked(args)) {
            String help = TopLevelHelp.prerendered();
            if (help != null) {
                System.out.print(help);
                System.out.flush();
                return;
            }
        }
        if (args.length > 0 && BUILT_ALONE.contains(args[0])) {
            EngineWarmUp.begin();
        }
        Stdout stdout = Stdout.open();
        CommandLine commandLine = commandLine(args).setOut(stdout.writer());
        int code = commandLine.execute(args);
        System.exit(stdout.exitCode(code, commandLine.getOut(), commandLine.getErr()));
    }

    /**
     * The configured command line for these arguments, also used by tests to run commands in-process. When the
     * first argument is an offline command, only that subcommand is built: building the model of all of them
     * costs a run ~50 ms of reflection; anything else gets them all.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        String first = args.length == 0 ? null : args[0];
        if (first != null && BUILT_ALONE.contains(first)) {
            commandLine.addSubcommand(first, command(first));
        } else {
            COMMANDS.forEach(name -> commandLine.addSubcommand(name, command(name)));
            // What is being completed may itself look like an option ("--wa").
            commandLine.getSubcommands().get("__complete").setUnmatchedOptionsArePositionalParams(true);
        }
        commandLine.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help") && !name.equals("__complete")) {
                sub.getCommandSpec().mixinStandardHelpOptions(true); // `kubectl sidecar inject --help`
                sub.getCommandSpec().versionProvider(new VersionProvider()); // and its -V
            }
        });
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setParameterExceptionHandler(new UsageErrors());
        commandLine.setOverwrittenOptionsAllowed(true); // as with kubectl, the last -o wins
        commandLine.setExecutionStrategy(parsed -> {
            EngineWarmUp.awaitDone();
            return new CommandLine.RunLast().execute(parsed);
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
