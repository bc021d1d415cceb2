package dev.kubectlsidecar.cli.support;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * The operating system's reason for a failed file operation, worded as {@code strerror} words it ("Permission
 * denied", "No such file or directory", "Is a directory"): Java puts the path, not the reason, in the message of
 * its typed exceptions.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** What {@code strerror} says for the conditions Java reports as typed exceptions without a reason. */
    private static final Map<Class<? extends IOException>, String> REASONS = Map.of(
            AccessDeniedException.class, "Permission denied",
            NoSuchFileException.class, "No such file or directory",
            NotDirectoryException.class, "Not a directory",
            DirectoryNotEmptyException.class, "Directory not empty",
            FileAlreadyExistsException.class, "File exists",
            FileSystemLoopException.class, "Too many levels of symbolic links");

    public static String reason(IOException e) {
        if (e instanceof FileSystemException failure && failure.getReason() != null) {
            return failure.getReason();
        }
        String reason = REASONS.get(e.getClass());
        if (reason != null) {
            return reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
