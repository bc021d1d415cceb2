package dev.kubectlsidecar.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;

/**
 * Writes a file whole or not at all: into a hidden temporary file beside it, {@code .NAME.kubectl-sidecar-PID.tmp},
 * synced to disk, then renamed over it, so a failed, interrupted or killed run leaves the old file as it was. The
 * new file keeps the old one's permissions. A run killed outright (SIGKILL) cannot delete its temporary file; the
 * next write of the same file removes those whose process is gone.
 */
final class AtomicFile {
    private static final String MARK = ".kubectl-sidecar-";
    private static final String SUFFIX = ".tmp";

    private AtomicFile() {
    }

    static void write(Path target, String text) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        String name = absolute.getFileName().toString();
        Path temporary = directory.resolve(temporaryName(name, ProcessHandle.current().pid()));
        try {
            removeLeftovers(directory, name);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                keepPermissions(absolute, temporary);
                // Encoded as it is written: a large manifest is not copied whole into a byte array first.
                Writer writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
                writer.write(text);
                writer.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + e.getMessage() + " (the file was left as it was)");
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // hidden, named after its target, and removed by the next write of it
            }
        }
    }

    static String temporaryName(String target, long pid) {
        return "." + target + MARK + pid + SUFFIX;
    }

    /** Deletes the temporary files of earlier writes of {@code name} whose process no longer runs. */
    private static void removeLeftovers(Path directory, String name) throws IOException {
        String prefix = "." + name + MARK;
        DirectoryStream.Filter<Path> ours = path -> {
            String file = path.getFileName().toString();
            return file.startsWith(prefix) && file.endsWith(SUFFIX)
                    && file.substring(prefix.length(), file.length() - SUFFIX.length()).matches("\\d{1,19}");
        };
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, ours)) {
            for (Path leftover : leftovers) {
                String file = leftover.getFileName().toString();
                long pid = Long.parseLong(file.substring(prefix.length(), file.length() - SUFFIX.length()));
                if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(leftover);
                }
            }
        }
    }

    private static void keepPermissions(Path target, Path temporary) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        if (view != null && Files.isRegularFile(target)) {
            view.setPermissions(Files.getPosixFilePermissions(target));
        }
    }
}
