package dev.kubectlsidecar.injector;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps a green build quiet: while a test class runs, what is logged through java.util.logging (Vert.x, Netty,
 * fabric8 through slf4j-jdk14, our own code) is held, not printed; it is printed, in order, only when a test of the
 * class failed. Tests that provoke errors on purpose (a reset connection, a rejected config) would otherwise fill a
 * passing build with alarming lines. Registered for every module's tests by JUnit's extension autodetection (the
 * root pom turns it on; META-INF/services in this test-jar lists it).
 */
public final class CapturedLogs implements BeforeAllCallback, AfterTestExecutionCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CapturedLogs.class);

    private static final class Held extends Handler {
        private final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();
        private final List<Handler> replaced;
        private volatile boolean failed;

        private Held(List<Handler> replaced) {
            this.replaced = replaced;
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Logger root = LogManager.getLogManager().getLogger("");
        Held held = new Held(List.of(root.getHandlers()));
        held.replaced.forEach(root::removeHandler);
        root.addHandler(held);
        context.getStore(NAMESPACE).put(Held.class, held);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            Held held = held(context);
            if (held != null) {
                held.failed = true;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Held held = held(context);
        if (held == null) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        root.removeHandler(held);
        held.replaced.forEach(root::addHandler);
        if (held.failed && !held.records.isEmpty()) {
            PrintStream err = System.err;
            SimpleFormatter format = new SimpleFormatter();
            err.println("---- logged while " + context.getDisplayName() + " ran (a test failed) ----");
            held.records.forEach(record -> err.print(format.format(record)));
            err.println("---- end of the log of " + context.getDisplayName() + " ----");
        }
    }

    /** The held log of the innermost class around {@code context} (stores fall back to their parents'). */
    private static Held held(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Held.class, Held.class);
    }
}
