package dev.kubectlsidecar.agent.config;

import dev.kubectlsidecar.agent.health.ReadinessCheck;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import dev.kubectlsidecar.injector.ConfigDigest;
import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.InvalidConfigException;
import io.micrometer.core.instrument.Counter;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine the webhook uses, swapped whole when the config changes. Every config source feeds it the same way:
 * the standalone file watcher calls {@link #load(Path)}, the in-cluster ConfigMap watcher calls
 * {@link #apply(String, String)} with the ConfigMap's YAML. An invalid update is rejected: the last good engine
 * keeps serving, the failure is logged with the field it names, counted, and shown by {@code /readyz} and
 * {@code kubectl_sidecar_config_valid 0} until a valid update arrives.
 */
public final class EngineHolder {
    private static final System.Logger LOG = System.getLogger(EngineHolder.class.getName());

    private final String ownNamespace;
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    private final Counter reloadFailures;
    private volatile String lastFailure;

    private record Serving(InjectionEngine engine, String source, String canonicalConfig) {
    }

    /** What an update did. */
    public enum Update {
        /** a new config serves from now on */
        SERVED,
        /** the config is the one already serving: the engine (and its caches) stays */
        UNCHANGED,
        /** invalid: the last good config keeps serving */
        REJECTED
    }

    /**
     * @param ownNamespace the agent's namespace, never injected (added to every config's ignored namespaces)
     */
    public EngineHolder(String source, InjectionConfig initial, String ownNamespace, AgentMetrics metrics) {
        this.ownNamespace = ownNamespace;
        use(source, initial);
        metrics.configValid(this::valid);
        this.reloadFailures = metrics.configReloadFailures();
    }

    public InjectionEngine engine() {
        return serving.get().engine();
    }

    public InjectionConfig config() {
        return engine().config();
    }

    /** Serves {@code config} from now on; {@code source} names where it came from, for {@code /readyz}. */
    public Update use(String source, InjectionConfig config) {
        InjectionConfig own = config.ignoring(ownNamespace);
        String canonical = ConfigDigest.canonical(own);
        Serving current = serving.get();
        lastFailure = null;
        if (current != null && current.canonicalConfig().equals(canonical)) {
            serving.set(new Serving(current.engine(), source, canonical));
            return Update.UNCHANGED;
        }
        serving.set(new Serving(new InjectionEngine(own), source, canonical));
        return Update.SERVED;
    }

    /** Parses YAML config text and serves it when valid. */
    public Update apply(String source, String yaml) {
        try {
            return use(source, ConfigLoader.parse(source, yaml));
        } catch (InvalidConfigException e) {
            reject(e);
            return Update.REJECTED;
        }
    }

    /** Reads a config file and serves it when valid. */
    public Update load(Path file) {
        try {
            return use(file.toString(), ConfigLoader.load(file));
        } catch (InvalidConfigException e) {
            reject(e);
            return Update.REJECTED;
        }
    }

    private void reject(InvalidConfigException e) {
        lastFailure = e.getMessage();
        reloadFailures.increment();
        LOG.log(Level.WARNING, "config update rejected, still serving the config from " + serving.get().source()
                + ": " + e.getMessage());
    }

    /** False from a rejected update until the next accepted one. */
    public boolean valid() {
        return lastFailure == null;
    }

    /** Always ready (a last good config always serves); the detail says which, and why an update was rejected. */
    public ReadinessCheck readinessCheck() {
        return () -> {
            String failure = lastFailure;
            String source = serving.get().source();
            return ReadinessCheck.Status.ready(failure == null
                    ? "serving the config from " + source
                    : "serving the last good config from " + source + "; the latest update was rejected: " + failure);
        };
    }
}
