package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.cluster.ClusterNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shell completion in the protocol kubectl (≥ 1.26) speaks to plugins: it runs {@code kubectl_complete-sidecar
 * __complete ARGS… PARTIAL} and expects one candidate per line, then {@code :DIRECTIVE} (Cobra's: 0 = files may be
 * completed too, 4 = no file completion). Completes subcommands, flags, namespaces and pod names.
 */
@Command(name = "__complete", hidden = true, description = "Shell completion (used by kubectl_complete-sidecar).")
public final class CompleteCommand implements Callable<Integer> {
    private static final int FILES = 0;
    private static final int NO_FILES = 4;
    private static final Set<String> NAMESPACE_FLAGS = Set.of("-n", "--namespace");
    private static final Set<String> FILE_FLAGS = Set.of("-f", "--filename", "--config", "--kubeconfig");
    private static final Map<String, String> POSITIONALS = Map.of("enable", "namespaces", "disable", "namespaces", "status", "pods");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "WORD")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> typed = words.isEmpty() ? List.of("") : words;
        String partial = typed.get(typed.size() - 1);
        List<String> before = typed.subList(0, typed.size() - 1);
        CommandLine root = spec.root().commandLine();
        CommandLine sub = before.isEmpty() ? null : root.getSubcommands().get(before.get(0));
        List<String> candidates = new ArrayList<>();
        int directive = NO_FILES;
        String previous = before.isEmpty() ? null : before.get(before.size() - 1);
        if (sub == null) {
            root.getSubcommands().forEach((name, command) -> {
                if (!command.getCommandSpec().usageMessage().hidden() && !name.equals("help") && name.startsWith(partial)) {
                    candidates.add(name + "\t" + firstLine(command.getCommandSpec().usageMessage().description()));
                }
            });
        } else if (previous != null && FILE_FLAGS.contains(previous)) {
            directive = FILES;
        } else if (previous != null && NAMESPACE_FLAGS.contains(previous)) {
            candidates.addAll(ClusterNames.namespaces(before, partial));
        } else if (partial.startsWith("-")) {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                for (String name : option.names()) {
                    if (name.startsWith(partial) && name.startsWith("--") == partial.startsWith("--")) {
                        candidates.add(name + "\t" + firstLine(option.description()));
                    }
                }
            }
        } else if ("namespaces".equals(POSITIONALS.get(before.get(0)))) {
            candidates.addAll(ClusterNames.namespaces(before, partial));
        } else if ("pods".equals(POSITIONALS.get(before.get(0)))) {
            candidates.addAll(ClusterNames.pods(before, partial));
        }
        candidates.forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().println(":" + directive);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static String firstLine(String[] description) {
        return description.length == 0 ? "" : description[0];
    }
}
