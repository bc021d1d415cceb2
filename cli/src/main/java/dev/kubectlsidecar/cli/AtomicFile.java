package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.cli.support.FileErrors;
import dev.kubectlsidecar.cli.support.UserError;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes a file whole or not at all: into a hidden temporary file beside it, {@code .NAME.kubectl-sidecar-PID.tmp},
 * synced to disk, then renamed over it, so a failed, interrupted or killed run leaves the old file as it was. The
 * new file keeps the old one's permissions. A symbolic link is written through (its target is replaced, the link
 * stays); a read-only file or a directory is refused with the operating system's reason. A run killed outright (SIGKILL) cannot delete its temporary file; the
 * next write of the same file removes those whose process is gone.
 */
final class AtomicFile {
    private static final String MARK = ".kubectl-sidecar-";
    private static final String SUFFIX = ".tmp";
    private static final int MAX_LINKS = 40;
    private static final Set<PosixFilePermission> WRITE = EnumSet.of(PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private AtomicFile() {
    }

    static void write(Path target, String text) {
        Path absolute;
        try {
            absolute = writable(target);
        } catch (IOException e) {
            throw new UserError(target + ": cannot write: " + FileErrors.reason(e) + " (the file was left as it was)");
        }
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
            throw new UserError(target + ": cannot write: " + FileErrors.reason(e) + " (the file was left as it was)");
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // hidden, named after its target, and removed by the next write of it
            }
        }
    }

    /**
     * The file to replace: a symbolic link's final target (so the link stays a link and its target gets the new
     * text), refused when it is a directory or read-only. A rename replaces a read-only file as easily as any
     * (only the directory's permissions count), and root may write anything: the file's mode is checked here.
     */
    private static Path writable(Path target) throws IOException {
        Path file = target.toAbsolutePath();
        for (int links = 0; Files.isSymbolicLink(file); links++) {
            if (links == MAX_LINKS) {
                throw new FileSystemException(target.toString(), null, "Too many levels of symbolic links");
            }
            file = file.resolveSibling(Files.readSymbolicLink(file)).normalize();
        }
        if (Files.isDirectory(file)) {
            throw new FileSystemException(target.toString(), null, "Is a directory");
        }
        if (Files.exists(file)) {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            boolean readOnly = view != null
                    ? Collections.disjoint(view.readAttributes().permissions(), WRITE)
                    : !Files.isWritable(file);
            if (readOnly || !Files.isWritable(file)) {
                throw new FileSystemException(target.toString(), null, "Permission denied (the file is read-only)");
            }
        }
        return file;
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
