package dev.kubectlsidecar.cli;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.ListeningConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI as a child JVM under a debugger (JDI, the JDK's own), so that a test can stop it at an exact point of
 * {@link AtomicFile}'s work, look at the files, and kill it there: no timing, no hook in the product. The child
 * connects back to a port this side listens on, and waits (suspended) until the test resumes it.
 */
final class PausedCli implements AutoCloseable {
    private static final long WAIT_MILLIS = 120_000;
    private final Process process;
    private final VirtualMachine vm;

    private PausedCli(Process process, VirtualMachine vm) {
        this.process = process;
        this.vm = vm;
    }

    /** Starts {@code kubectl-sidecar ARGS}, suspended before its first instruction; output goes to {@code logs}. */
    static PausedCli start(Path logs, List<String> args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CliExecutable.configured().isEmpty(),
                "-D" + CliExecutable.PROPERTY + " names an executable: a native image has no debugger to pause it");
        ListeningConnector connector = Bootstrap.virtualMachineManager().listeningConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketListen")).findFirst().orElseThrow();
        Map<String, Connector.Argument> arguments = connector.defaultArguments();
        arguments.get("localAddress").setValue("127.0.0.1");
        arguments.get("port").setValue("0");
        arguments.get("timeout").setValue(String.valueOf(WAIT_MILLIS));
        String address = connector.startListening(arguments);
        try {
            Process process = child(logs, args,
                    "-agentlib:jdwp=transport=dt_socket,server=n,suspend=y,address=" + address).start();
            return new PausedCli(process, connector.accept(arguments));
        } finally {
            connector.stopListening(arguments);
        }
    }

    /**
     * {@code kubectl-sidecar ARGS} as a child JVM (not under a debugger unless {@code jvmOptions} say so), or as the
     * executable {@link CliExecutable}'s switch names ({@link CliProcess#command}).
     */
    static ProcessBuilder child(Path logs, List<String> args, String... jvmOptions) {
        return new ProcessBuilder(CliProcess.command(List.of(jvmOptions), args)).redirectOutput(logs.resolve("stdout").toFile())
                .redirectError(logs.resolve("stderr").toFile());
    }

    long pid() {
        return process.pid();
    }

    /**
     * Runs the child until a thread enters {@code className.method} with {@link AtomicFile} on its stack for the
     * {@code (skip + 1)}-th time, and leaves the whole VM suspended there.
     */
    void runUntil(String className, String method, int skip) throws Exception {
        ReferenceType type = loaded(className);
        List<BreakpointRequest> requests = new ArrayList<>();
        for (Method candidate : type.methodsByName(method)) {
            if (!candidate.isAbstract() && !candidate.isNative()) {
                BreakpointRequest request = vm.eventRequestManager().createBreakpointRequest(candidate.location());
                request.setSuspendPolicy(EventRequest.SUSPEND_ALL);
                request.enable();
                requests.add(request);
            }
        }
        if (requests.isEmpty()) {
            throw new AssertionError(className + " has no method " + method + " to stop in");
        }
        int seen = 0;
        vm.resume();
        while (true) {
            EventSet events = next(className + "." + method);
            for (Event event : events) {
                if (event instanceof BreakpointEvent hit && fromAtomicFile(hit.thread()) && seen++ == skip) {
                    requests.forEach(r -> vm.eventRequestManager().deleteEventRequest(r));
                    return;
                }
            }
            events.resume();
        }
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); returns the exit status, 137 for SIGKILL. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child survived SIGKILL");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            vm.dispose();
        } catch (VMDisconnectedException gone) {
            // killed: nothing left to let go of
        }
    }

    /** The class, once the child has loaded it (resuming it until then). */
    private ReferenceType loaded(String className) throws Exception {
        List<ReferenceType> types = vm.classesByName(className);
        if (!types.isEmpty()) {
            return types.get(0);
        }
        ClassPrepareRequest prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter(className);
        prepare.setSuspendPolicy(EventRequest.SUSPEND_ALL);
        prepare.enable();
        vm.resume();
        while (true) {
            EventSet events = next("loading " + className);
            for (Event event : events) {
                if (event instanceof ClassPrepareEvent prepared) {
                    vm.eventRequestManager().deleteEventRequest(prepare);
                    return prepared.referenceType();
                }
            }
            events.resume();
        }
    }

    private EventSet next(String awaited) throws InterruptedException {
        EventSet events = vm.eventQueue().remove(WAIT_MILLIS);
        if (events == null) {
            throw new AssertionError("the CLI never reached " + awaited);
        }
        for (Event event : events) {
            if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                throw new AssertionError("the CLI exited before reaching " + awaited);
            }
        }
        return events;
    }

    private static boolean fromAtomicFile(ThreadReference thread) throws IncompatibleThreadStateException {
        for (StackFrame frame : thread.frames()) {
            if (frame.location().declaringType().name().equals(AtomicFile.class.getName())) {
                return true;
            }
        }
        return false;
    }
}
