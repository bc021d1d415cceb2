package dev.kubectlsidecar.testkit.agent;

import dev.kubectlsidecar.testkit.LocalCluster;
import tools.jackson.databind.JsonNode;

/**
 * Makes the agent's Deployment "run" on this machine: the local cluster calls it when the Deployment appears and
 * routes the agent's Service to the address it returns.
 */
@FunctionalInterface
public interface AgentLauncher {
    /**
     * Starts the agent for {@code deployment} (as stored); returns once it is started, not necessarily ready.
     *
     * @throws Exception when it cannot be started; the Deployment then stays unavailable
     */
    RunningAgent start(LocalCluster cluster, JsonNode deployment) throws Exception;
}
