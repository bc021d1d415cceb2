package dev.kubectlsidecar.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --watch without a terminal: a document per change, a heartbeat only if asked, and a failed write ends it. */
class LiveViewTest {
    /** Frames from a script; the pause stops when the script is done. */
    private static final class Script {
        private final Deque<String> frames;
        int rendered;

        Script(String... frames) {
            this.frames = new ArrayDeque<>(List.of(frames));
        }

        String next(int width) {
            assertThat(width).as("no terminal: no width").isZero();
            rendered++;
            return frames.size() > 1 ? frames.pop() : frames.peek();
        }

        boolean more() {
            return rendered < 5;
        }
    }

    @Test
    void documentsArePrintedOnlyWhenTheyChange() throws InterruptedException {
        Script script = new Script("{\"a\":1}\n", "{\"a\":1}\n", "{\"a\":2}\n", "{\"a\":2}\n", "{\"a\":3}\n");
        StringWriter out = new StringWriter();
        int code = LiveView.plain(script::next, new PrintWriter(out), true, false, script::more);
        assertThat(code).isZero();
        assertThat(out).hasToString("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
    }

    @Test
    void tablesAreSeparatedByABlankLineAndTheHeartbeatIsWhitespace() throws InterruptedException {
        Script tables = new Script("NAME\nweb\n", "NAME\nweb\n", "NAME\nweb\ndb\n");
        StringWriter out = new StringWriter();
        LiveView.plain(tables::next, new PrintWriter(out), false, false, tables::more);
        assertThat(out).hasToString("NAME\nweb\n\nNAME\nweb\ndb\n");

        Script documents = new Script("{}\n", "{}\n", "{}\n");
        StringWriter beating = new StringWriter();
        LiveView.plain(documents::next, new PrintWriter(beating), true, true, documents::more);
        assertThat(beating).hasToString("{}\n\n\n\n\n");
    }

    @Test
    void aFailedWriteEndsTheWatchWithExitCode1() throws InterruptedException {
        Script script = new Script("{\"a\":1}\n", "{\"a\":2}\n", "{\"a\":3}\n");
        Writer closedPipe = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        int code = LiveView.plain(script::next, new PrintWriter(closedPipe), true, true, () -> {
            throw new AssertionError("the watch must stop at the first failed write, not wait for the next frame");
        });
        assertThat(code).isEqualTo(1);
        assertThat(script.rendered).isEqualTo(1);
    }
}
