package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.RotationPolicy;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Decision;
import dev.kubectlsidecar.agent.tls.RotationPolicy.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The leader's job for one term: bring the TLS Secret to what the {@link RotationPolicy} wants, one persisted step
 * at a time, keep the webhook's caBundle equal to the Secret's bundle, and sleep until the next step is due. Every
 * write is conditional on the version read, so a replica that still believes it leads cannot overwrite its
 * successor's work. Checks again at least every {@link #MAX_SLEEP} (a deleted Secret, a keeper that could not patch).
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
        scheduler.execute(this::tick);
    }

    private void tick() {
        Duration sleep;
        try {
            sleep = untilNext(advance());
        } catch (RuntimeException e) {
            if (scheduler.isShutdown()) {
                return; // leadership ended while writing: the write was interrupted on purpose
            }
            LOG.log(Level.WARNING, "rotating the certificates in " + store.description() + " failed: " + e + "; retrying in "
                    + retry.toMillis() + " ms", e);
            sleep = retry;
        }
        if (!scheduler.isShutdown()) {
            scheduler.schedule(this::tick, sleep.toMillis(), TimeUnit.MILLISECONDS);
        }
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
        keeper.close();
    }
}
