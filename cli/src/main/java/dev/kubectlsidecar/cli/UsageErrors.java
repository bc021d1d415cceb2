package dev.kubectlsidecar.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * One rule for every wrong command line, as kubectl words it: exit 2, one line that names the flag the user typed,
 * the value and what is allowed, then {@code See 'kubectl sidecar inject --help' for usage.} An unknown command gets
 * cobra's wording, with suggestions only for names within two edits or starting with what was typed.
 */
final class UsageErrors implements IParameterExceptionHandler {
    static final int EXIT_USAGE = 2;
    private static final int SUGGESTION_DISTANCE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        PrintWriter err = commandLine.getErr();
        String command = commandLine.getCommandSpec().qualifiedName();
        if (ex instanceof UnmatchedArgumentException unmatched && commandLine.getParent() == null
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            String typed = unmatched.getUnmatched().get(0);
            err.print("error: unknown command \"" + typed + "\" for \"" + command + "\"\n");
            List<String> suggestions = suggestions(commandLine, typed);
            if (!suggestions.isEmpty()) {
                err.print("\nDid you mean this?\n");
                suggestions.forEach(name -> err.print("\t" + name + "\n"));
                err.print("\n");
            }
            err.print("Run '" + command + " --help' for usage.\n");
        } else {
            err.print("error: " + line(ex, args) + "\n");
            err.print("See '" + command + " --help' for usage.\n");
        }
        err.flush();
        return EXIT_USAGE;
    }

    private static String line(ParameterException ex, String[] args) {
        ArgSpec arg = ex.getArgSpec();
        if (ex.getCause() instanceof TypeConversionException conversion && arg instanceof OptionSpec option) {
            return "invalid argument \"" + ex.getValue() + "\" for \"" + typedName(option, args) + "\" flag: "
                    + conversion.getMessage();
        }
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            return first.startsWith("-") && first.length() > 1 ? "unknown flag: " + first
                    : "unexpected argument \"" + first + "\"";
        }
        if (ex instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec first = missing.getMissing().get(0);
            return first instanceof OptionSpec option
                    ? "required flag \"" + String.join(", ", option.names()) + "\" not set"
                    : "missing argument " + first.paramLabel();
        }
        String message = ex.getMessage();
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** The option's name as the user typed it ({@code -o} or {@code --output}), else all its names. */
    private static String typedName(OptionSpec option, String[] args) {
        for (String arg : args) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=") || (name.length() == 2 && !name.startsWith("--")
                        && arg.startsWith(name) && !arg.startsWith("--"))) {
                    return name;
                }
            }
        }
        return String.join(", ", option.names());
    }

    /** cobra's suggestions: visible commands within two edits (ignoring case) or starting with what was typed. */
    static List<String> suggestions(CommandLine root, String typed) {
        List<String> names = new ArrayList<>();
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && !name.equals("help")) {
                String lower = name.toLowerCase(Locale.ROOT);
                String typedLower = typed.toLowerCase(Locale.ROOT);
                if (distance(lower, typedLower) <= SUGGESTION_DISTANCE || lower.startsWith(typedLower)) {
                    names.add(name);
                }
            }
        });
        names.sort(null);
        return names;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
