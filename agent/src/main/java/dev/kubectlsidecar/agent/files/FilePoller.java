package dev.kubectlsidecar.agent.files;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code onChange} when any of a few files changes: modification time, size or identity (inode), so an
 * atomic rename and a Kubernetes Secret/ConfigMap volume's symlink swap are seen too. Polls on its own daemon
 * thread (never on an event loop); a file that vanishes counts as a change once it is back.
 */
public final class FilePoller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FilePoller.class.getName());

    private final List<Path> files;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private List<Object> seen;

    public FilePoller(String name, List<Path> files, Duration interval, Runnable onChange) {
        this.files = List.copyOf(files);
        this.onChange = onChange;
        this.seen = fingerprint();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "poll-" + name);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        List<Object> now = fingerprint();
        if (now.contains(null) || now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "reacting to a change of " + files + " failed", e);
        }
    }

    private List<Object> fingerprint() {
        List<Object> out = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(List.of(a.lastModifiedTime(), a.size(), Objects.requireNonNullElse(a.fileKey(), "")));
            } catch (IOException e) {
                out.add(null);
            }
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
