package dev.kubectlsidecar.cli.cluster;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * {@code --watch}: on a terminal, redraws a frame in place every two seconds until Ctrl-C (JLine). Without one
 * (a pipe, a file), prints a frame only when it differs from the last one, as {@code kubectl get -w} prints a
 * document per change, and never opens JLine (so no "dumb terminal" warning). Either way a failed write to stdout
 * (the reader of a pipe went away) ends the watch. So that {@code | head} ends it even while nothing changes,
 * structured output to a pipe gets a newline each period: whitespace between JSON or YAML documents.
 */
final class LiveView {
    static final Duration PERIOD = Duration.ofSeconds(2);

    /** Waits for the next frame; returns false to stop. */
    @FunctionalInterface
    interface Pause {
        boolean await() throws InterruptedException;
    }

    private LiveView() {
    }

    /**
     * @param frame renders one frame for a terminal of the given width (0: no limit)
     * @param structured whether frames are JSON or YAML documents (whitespace between them is harmless)
     * @return the exit code: 0 when stopped (Ctrl-C), 1 when stdout failed
     */
    static int run(IntFunction<String> frame, PrintWriter out, boolean structured) throws IOException, InterruptedException {
        if (!stdoutIsTerminal()) {
            boolean pipe = stdoutIsPipe();
            return plain(frame, out, structured, structured && pipe, () -> {
                Thread.sleep(PERIOD.toMillis());
                return true;
            });
        }
        return redrawn(frame);
    }

    /**
     * Frames one after another, each only when it changed (tables separated by a blank line, documents by nothing
     * but their own markers), and a heartbeat newline per unchanged period if asked.
     */
    static int plain(IntFunction<String> frame, PrintWriter out, boolean structured, boolean heartbeat, Pause pause)
            throws InterruptedException {
        String last = null;
        do {
            String text = frame.apply(0);
            if (!text.equals(last)) {
                out.print(last != null && !structured ? "\n" + text : text);
                last = text;
            } else if (heartbeat) {
                out.print("\n");
            }
            out.flush();
            if (out.checkError()) {
                return 1;
            }
        } while (pause.await());
        return 0;
    }

    private static int redrawn(IntFunction<String> frame) throws IOException, InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true)
                .systemOutput(TerminalBuilder.SystemOutput.SysOut).build()) {
            terminal.handle(Terminal.Signal.INT, signal -> stopped.set(true));
            while (!stopped.get()) {
                String text = frame.apply(terminal.getWidth());
                terminal.puts(Capability.clear_screen);
                terminal.writer().print(text.replace("\n", "\r\n"));
                terminal.writer().print("\r\nevery " + PERIOD.toSeconds() + "s · Ctrl-C to stop");
                terminal.flush();
                if (terminal.writer().checkError()) {
                    return 1;
                }
                for (long waited = 0; waited < PERIOD.toMillis() && !stopped.get(); waited += 100) {
                    Thread.sleep(100);
                }
            }
        }
        return 0;
    }

    /**
     * Whether stdout is a terminal, without opening JLine: Java 17's console exists only when stdin and stdout are
     * terminals; from Java 22 a console always exists and {@code isTerminal()} says.
     */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Whether stdout is a pipe (Linux's /proc says); elsewhere assumed not, so no heartbeat is written. */
    private static boolean stdoutIsPipe() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString().startsWith("pipe:");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
