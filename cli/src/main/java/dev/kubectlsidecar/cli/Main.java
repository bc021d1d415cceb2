package dev.kubectlsidecar.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kubectl sidecar}: the plugin's entry point. Each subcommand is its own class. */
@Command(name = "kubectl sidecar",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Istio-compatible sidecar injection: inject manifests offline, or manage automatic injection.",
        subcommands = {InjectCommand.class, UninjectCommand.class, IptablesCommand.class,
                dev.kubectlsidecar.cli.cluster.EnableCommand.class, dev.kubectlsidecar.cli.cluster.DisableCommand.class,
                dev.kubectlsidecar.cli.cluster.StatusCommand.class, dev.kubectlsidecar.cli.cluster.VerifyCommand.class,
                dev.kubectlsidecar.cli.cluster.InstallCommand.class, dev.kubectlsidecar.cli.cluster.UninstallCommand.class,
                dev.kubectlsidecar.cli.cluster.VersionCommand.class,
                CompleteCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        // What is being completed may itself look like an option ("--wa").
        commandLine.getSubcommands().get("__complete").setUnmatchedOptionsArePositionalParams(true);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
