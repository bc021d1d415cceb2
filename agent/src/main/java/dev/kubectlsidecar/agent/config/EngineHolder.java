package dev.kubectlsidecar.agent.config;

import dev.kubectlsidecar.agent.health.ReadinessCheck;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
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

    private record Serving(InjectionEngine engine, String source) {
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
    public void use(String source, InjectionConfig config) {
        serving.set(new Serving(new InjectionEngine(config.ignoring(ownNamespace)), source));
        lastFailure = null;
    }

    /** Parses YAML config text and serves it when valid; @return whether it was accepted */
    public boolean apply(String source, String yaml) {
        try {
            use(source, ConfigLoader.parse(source, yaml));
            return true;
        } catch (InvalidConfigException e) {
            reject(e);
            return false;
        }
    }

    /** Reads a config file and serves it when valid; @return whether it was accepted */
    public boolean load(Path file) {
        try {
            use(file.toString(), ConfigLoader.load(file));
            return true;
        } catch (InvalidConfigException e) {
            reject(e);
            return false;
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
