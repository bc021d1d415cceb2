package dev.kubectlsidecar.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * Standard output that remembers why a write failed. Java ignores SIGPIPE, so where kubectl dies when the reader
 * of its output goes away ({@code | head}), a write here fails with EPIPE: the writer's {@link PrintWriter#checkError}
 * turns true, long-running commands stop, and {@link #exitCode} ends the run with 1 (silently for a closed pipe,
 * with one line for any other failure, e.g. a full disk).
 */
final class Stdout extends FilterOutputStream {
    private volatile IOException failure;

    private Stdout(OutputStream out) {
        super(out);
    }

    /** A writer on file descriptor 1, in the encoding picocli would use. */
    static Stdout open() {
        return new Stdout(new FileOutputStream(FileDescriptor.out));
    }

    PrintWriter writer() {
        String encoding = System.getProperty("sun.stdout.encoding");
        Charset charset = encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
        return new PrintWriter(new OutputStreamWriter(this, charset), true);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            failed(e);
            throw e;
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
            throw e;
        }
    }

    private void failed(IOException e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** The run's exit code once stdout is flushed: {@code code}, or 1 when a write failed (then said on stderr). */
    int exitCode(int code, PrintWriter stdout, PrintWriter stderr) {
        stdout.flush();
        IOException e = failure;
        if (e == null) {
            return code;
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!reason.contains("Broken pipe")) {
            stderr.println("error: cannot write to standard output: " + reason);
            stderr.flush();
        }
        return code == 0 ? 1 : code;
    }
}
