package dev.kubectlsidecar.testkit.api;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a reconcile pass on its own thread whenever {@link #trigger() triggered}; triggers that arrive while a pass
 * is waiting coalesce into it, a trigger during a pass schedules one more. The fake controllers of the local
 * cluster (kubelet, agent runner) are passes over the object store.
 */
public final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    private final String name;
    private final Runnable pass;
    private final ExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();

    public Reconciler(String name, Runnable pass) {
        this.name = name;
        this.pass = pass;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "local-cluster-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public void trigger() {
        if (pending.compareAndSet(false, true)) {
            try {
                thread.execute(this::run);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.DEBUG, name + " is closed");
            }
        }
    }

    private void run() {
        pending.set(false);
        try {
            pass.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + " pass failed", e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
