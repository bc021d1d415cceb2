package dev.kubectlsidecar.testkit;

import dev.kubectlsidecar.testkit.agent.AgentLauncher;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where {@link LocalClusterMain} finds the agent jar when not told: {@code agent.jar} beside
 * {@code local-cluster.jar}, else the repository's {@code agent/target/agent.jar} (local-cluster.jar is built in
 * {@code testkit/target}). Without one, the agent's Deployment fails with a condition that says why, which
 * {@code kubectl sidecar install} prints while it waits.
 */
final class AgentJar {
    private AgentJar() {
    }

    /** The directory local-cluster.jar (or this module's classes) is in. */
    static Path home() {
        try {
            Path location = Path.of(LocalClusterMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toAbsolutePath().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(".").toAbsolutePath();
        }
    }

    static List<String> candidates(Path home) {
        return List.of(home.resolve("agent.jar").normalize().toString(),
                home.resolve("../../agent/target/agent.jar").normalize().toString());
    }

    static Optional<Path> beside(Path home) {
        return candidates(home).stream().map(Path::of).filter(Files::isRegularFile).findFirst();
    }

    /** A launcher for a cluster without an agent jar: the Deployment stays unavailable, its condition saying why. */
    static AgentLauncher missing() {
        return (apiServerUrl, deployment) -> {
            throw new NoAgentJar();
        };
    }

    /** Said as the Deployment's condition message; no stack trace, this is not a fault of the harness. */
    static final class NoAgentJar extends Exception {
        NoAgentJar() {
            super("this local cluster was started without an agent jar, so it cannot run the agent's pods: "
                    + "restart it with --agent-jar agent/target/agent.jar", null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
