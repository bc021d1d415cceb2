package dev.kubectlsidecar.testkit.agent;

import tools.jackson.databind.JsonNode;

/**
 * Makes the agent's Deployment "run" on this machine: the local cluster calls it when the Deployment appears and
 * routes the agent's Service to the address it returns.
 */
@FunctionalInterface
public interface AgentLauncher {
    /**
     * Starts the agent for {@code deployment} (as stored), as a client of the API server at {@code apiServerUrl};
     * returns once it is started, not necessarily ready.
     *
     * @throws Exception when it cannot be started; the Deployment then stays unavailable
     */
    RunningAgent start(String apiServerUrl, JsonNode deployment) throws Exception;
}
