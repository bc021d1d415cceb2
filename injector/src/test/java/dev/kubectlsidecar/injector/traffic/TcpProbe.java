package dev.kubectlsidecar.injector.traffic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real TCP connections inside network namespaces, made by small python3 programs (Java cannot read
 * {@code SO_ORIGINAL_DST}). A listener answers every connection with where it landed,
 * {@code "<label> <listening port> <address:port the caller dialled>"}, the dialled address being the one before any
 * NAT ({@code SO_ORIGINAL_DST}); a client, run as a given uid/gid, prints that answer, or why it got none.
 */
final class TcpProbe {
    /** Who connects: the socket's owner (what iptables' {@code -m owner} sees) and, optionally, its source address. */
    record Caller(long uid, long gid, Optional<String> source) {
        static Caller of(long uid, long gid) {
            return new Caller(uid, gid, Optional.empty());
        }
    }

    private static final long READY_LIMIT_SECONDS = 10;
    private static final long STOP_LIMIT_SECONDS = 5;

    /** Listens on every port given; ends when its standard input closes, so it never outlives the test. */
    private static final String LISTENER = """
            import select, socket, struct, sys
            SO_ORIGINAL_DST = 80
            label = sys.argv[1]
            servers = []
            for port in sys.argv[2:]:
                server = socket.socket()
                server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                server.bind(("0.0.0.0", int(port)))
                server.listen(16)
                servers.append(server)
            print("ready", flush=True)
            while True:
                readable, _, _ = select.select(servers + [sys.stdin], [], [])
                for ready in readable:
                    if ready is sys.stdin:
                        if not sys.stdin.readline():
                            sys.exit(0)
                        continue
                    connection, _ = ready.accept()
                    with connection:
                        try:
                            raw = connection.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
                            port, address = struct.unpack("!2xH4s8x", raw)
                            dialled = socket.inet_ntoa(address) + ":" + str(port)
                        except OSError:  # no conntrack entry: nothing rewrote the destination
                            host, port = connection.getsockname()
                            dialled = host + ":" + str(port)
                        try:
                            connection.sendall(f"{label} {ready.getsockname()[1]} {dialled}\\n".encode())
                        except OSError:  # the caller gave up; keep serving the others
                            pass
            """;

    /**
     * Becomes the caller before making its socket, then connects by address (no name lookup, which would load
     * modules the dropped uid may not be allowed to read). Every wait is bounded by a 2 s socket timeout.
     */
    private static final String CLIENT = """
            import os, socket, sys
            uid, gid, host, port = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            client = socket.socket()
            client.settimeout(2)
            try:
                if len(sys.argv) > 5:
                    client.bind((sys.argv[5], 0))
                client.connect((host, port))
                reply = b""
                while chunk := client.recv(256):
                    reply += chunk
                print(reply.decode().strip() or "closed without an answer")
            except OSError as error:
                print(f"no answer: {error!r}")
            finally:
                client.close()
            """;

    private final String python;

    private TcpProbe(String python) {
        this.python = python;
    }

    /** Resolves python3 once: a version manager's shim on PATH costs a shell start on every call. */
    static TcpProbe create() {
        NetworkNamespace.Result result = NetworkNamespace.check(NetworkNamespace.run(
                List.of("python3", "-c", "import sys; print(sys.executable)"), Map.of()), "python3");
        return new TcpProbe(result.stdout().strip());
    }

    /** Starts a listener in {@code namespace} and returns once every port listens. */
    Listener listen(NetworkNamespace namespace, String label, List<Integer> ports) {
        List<String> command = new ArrayList<>(List.of(python, "-c", LISTENER, label));
        ports.forEach(port -> command.add(port.toString()));
        try {
            Listener listener = new Listener(namespace.start(command));
            listener.awaitReady(label + " listener on " + ports);
            return listener;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects from inside {@code namespace} as {@code caller}; returns the listener's answer or why none came. */
    String connect(NetworkNamespace namespace, Caller caller, String host, int port) {
        List<String> command = new ArrayList<>(List.of(python, "-c", CLIENT,
                Long.toString(caller.uid()), Long.toString(caller.gid()), host, Integer.toString(port)));
        caller.source().ifPresent(command::add);
        NetworkNamespace.Result result = namespace.exec(Map.of(), command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("TCP client failed (" + result.exitCode() + "): " + result.stdout()
                    + result.stderr());
        }
        return result.stdout().strip();
    }

    /** A running listener; {@link #close()} closes its standard input, which ends it. */
    static final class Listener implements AutoCloseable {
        private final Process process;

        private Listener(Process process) {
            this.process = process;
        }

        private void awaitReady(String what) throws IOException {
            BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> readLine(output));
            String line;
            try {
                line = firstLine.get(READY_LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                close();
                throw new IllegalStateException(what + " not ready within " + READY_LIMIT_SECONDS + "s", e);
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!"ready".equals(line)) {
                close();
                String rest = output.lines().reduce("", (all, next) -> all + "\n" + next);
                throw new IllegalStateException(what + " did not start: " + line + rest);
            }
        }

        private static String readLine(BufferedReader reader) {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(STOP_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(STOP_LIMIT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
