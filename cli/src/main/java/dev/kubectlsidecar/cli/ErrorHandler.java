package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import dev.kubectlsidecar.injector.manifest.ManifestException;
import dev.kubectlsidecar.injector.text.PrintedText;
import java.io.PrintWriter;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns failures into kubectl-style one-line errors and exit code 1. Errors the user can act on print their
 * message only; anything else is a bug, reported as such. {@code -v} (any level) adds the stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    static final int EXIT_ERROR = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean known = e instanceof UserError || e instanceof ManifestException || e instanceof InvalidConfigException;
        err.println(PrintedText.escape(e instanceof UserError user ? user.line() : "error: " + (known ? e.getMessage()
                : "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + " (this is a bug; rerun with -v for details and report it)")));
        if (verbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return EXIT_ERROR;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult current = parseResult; current != null; current = current.subcommand()) {
            if (current.hasMatchedOption("-v")) {
                return true;
            }
        }
        return false;
    }
}
