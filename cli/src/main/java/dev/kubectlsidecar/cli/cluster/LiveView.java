package dev.kubectlsidecar.cli.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/** Redraws a frame in place every two seconds until Ctrl-C (JLine); not a TTY: prints frames one after another. */
final class LiveView {
    private static final Duration PERIOD = Duration.ofSeconds(2);

    private LiveView() {
    }

    /** @param frame renders one frame for a terminal of the given width */
    static int run(IntFunction<String> frame, PrintWriter plainOut) throws IOException, InterruptedException {
        AtomicBoolean stopped = new AtomicBoolean();
        try (Terminal terminal = TerminalBuilder.builder().system(true)
                .systemOutput(TerminalBuilder.SystemOutput.SysOut).build()) {
            terminal.handle(Terminal.Signal.INT, signal -> stopped.set(true));
            boolean dumb = Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
            while (!stopped.get()) {
                String text = frame.apply(dumb ? 0 : terminal.getWidth());
                if (dumb) {
                    plainOut.print(text);
                    plainOut.println();
                    plainOut.flush();
                } else {
                    terminal.puts(Capability.clear_screen);
                    terminal.writer().print(text.replace("\n", "\r\n"));
                    terminal.writer().print("\r\nevery " + PERIOD.toSeconds() + "s · Ctrl-C to stop");
                    terminal.flush();
                }
                for (long waited = 0; waited < PERIOD.toMillis() && !stopped.get(); waited += 100) {
                    Thread.sleep(100);
                }
            }
        }
        return 0;
    }
}
