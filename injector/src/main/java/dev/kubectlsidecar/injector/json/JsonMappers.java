package dev.kubectlsidecar.injector.json;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Jackson mappers for code that binds types or talks to the API server (the agent, the cluster commands, tests).
 * Built on {@link JsonText}'s factories, so they read and write trees as it does; the engine and the offline
 * commands use {@link JsonText} itself, which a cold CLI run can afford. Mappers are thread-safe and costly to
 * build: reuse these.
 */
public final class JsonMappers {
    public static final JsonMapper JSON = JsonMapper.builder(JsonText.JSON_FACTORY).build();

    public static final YAMLMapper YAML = YAMLMapper.builder(JsonText.YAML_FACTORY).build();

    private JsonMappers() {
    }
}
