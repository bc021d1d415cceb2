package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.RotationPolicy;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Decision;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's job for one term: bring the TLS Secret to what the {@link RotationPolicy} wants, one persisted step
 * at a time, keep the webhook's caBundle equal to the Secret's bundle, and sleep until the next step is due. Every
 * write is conditional on the version read, so a replica that still believes it leads cannot overwrite its
 * successor's work. {@link #checkNow} wakes it early (the Secret was changed, deleted or restored by someone else);
 * it checks again at least every {@link #MAX_SLEEP} anyway (a keeper that could not patch).
 */
public final class CertificateRotation implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CertificateRotation.class.getName());
    static final Duration MAX_SLEEP = Duration.ofMinutes(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    private static final Duration MIN_RETRY = Duration.ofMillis(100);
    private static final int MAX_STEPS_PER_TICK = 8; // a cycle of steps would otherwise hammer the API server

    private final CertificateStore store;
    private final CaBundleKeeper keeper;
    private final RotationPolicy policy;
    private final Clock clock;
    private final Duration retry;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "certificate-rotation");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean recheck = new AtomicBoolean();
    private final List<CompletableFuture<Void>> checksAsked = new ArrayList<>();
    private ScheduledFuture<?> next;

    public CertificateRotation(CertificateStore store, CaBundleKeeper keeper, RotationPolicy policy, Clock clock) {
        this.store = store;
        this.keeper = keeper;
        this.policy = policy;
        this.clock = clock;
        Duration propagation = policy.lifetimes().propagation();
        Duration wait = propagation.compareTo(MAX_RETRY) < 0 ? propagation : MAX_RETRY;
        this.retry = wait.compareTo(MIN_RETRY) > 0 ? wait : MIN_RETRY;
    }

    public void start() {
        keeper.start();
        schedule(Duration.ZERO);
    }

    /**
     * Looks at the Secret again now rather than when the next step is due (again after a check under way); the
     * answer completes once such a check has applied every step due.
     */
    public CompletableFuture<Void> checkNow() {
        CompletableFuture<Void> checked = new CompletableFuture<>();
        synchronized (checksAsked) {
            checksAsked.add(checked);
        }
        recheck.set(true);
        schedule(Duration.ZERO);
        return checked;
    }

    /** Replaces the pending check, so that one chain of checks runs. */
    private synchronized void schedule(Duration delay) {
        if (scheduler.isShutdown()) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        try {
            next = scheduler.schedule(this::tick, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            next = null;
        }
    }

    private void tick() {
        List<CompletableFuture<Void>> answered;
        synchronized (checksAsked) {
            answered = List.copyOf(checksAsked);
            checksAsked.clear();
        }
        recheck.set(false);
        Duration sleep;
        try {
            sleep = untilNext(advance());
            answered.forEach(checked -> checked.complete(null));
        } catch (RuntimeException e) {
            answered.forEach(checked -> checked.completeExceptionally(e));
            if (scheduler.isShutdown()) {
                return; // leadership ended while writing: the write was interrupted on purpose
            }
            LOG.log(Level.WARNING, "rotating the certificates in " + store.description() + " failed: " + e + "; retrying in "
                    + retry.toMillis() + " ms", e);
            sleep = retry;
        }
        schedule(recheck.get() ? Duration.ZERO : sleep);
    }

    /** Applies every step that is due (a few at most); returns when the next is. */
    private Instant advance() {
        CertificateStore.Stored stored = store.loadOrCreate(() -> policy.apply(Step.CREATE, null));
        for (int steps = 0; ; steps++) {
            if (steps == MAX_STEPS_PER_TICK) {
                throw new IllegalStateException("still not settled after " + steps + " steps");
            }
            if (stored.problem() != null) {
                LOG.warning(store.description() + " is unusable (" + stored.problem() + "); replacing it");
            }
            Instant published = null;
            if (stored.material() != null) {
                String bundle = stored.material().bundlePem();
                keeper.keep(bundle);
                published = keeper.heldSince(bundle).orElse(null);
            }
            Decision decision = policy.decide(stored.material(), published);
            if (decision.step() == Step.NONE) {
                return decision.nextCheck();
            }
            LOG.info(decision.step() + ": " + decision.reason());
            stored = store.replace(stored, policy.apply(decision.step(), stored.material()));
        }
    }

    private Duration untilNext(Instant next) {
        Duration sleep = Duration.between(clock.instant(), next);
        if (sleep.compareTo(MAX_SLEEP) > 0) {
            return MAX_SLEEP;
        }
        return sleep.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : sleep;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        synchronized (checksAsked) {
            checksAsked.forEach(checked -> checked.cancel(false));
            checksAsked.clear();
        }
        keeper.close();
    }
}
