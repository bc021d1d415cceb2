package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.config.ProxyLifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The subset of Istio's {@code proxy.istio.io/config} (a ProxyConfig as YAML or JSON) a pod may set here:
 * {@code holdApplicationUntilProxyStarts}, {@code terminationDrainDuration} and {@code concurrency}, each checked.
 * Every other field configures what only the injection config may (images, bootstrap, discovery) and is ignored
 * with a warning naming it.
 *
 * @param hold the pod's {@code holdApplicationUntilProxyStarts}, or null
 * @param drainSeconds the pod's {@code terminationDrainDuration} in seconds, or null
 * @param concurrency the pod's {@code concurrency}, or null
 */
record ProxyConfigAnnotation(Boolean hold, Integer drainSeconds, Integer concurrency, List<String> warnings) {
    static final String KEY = "proxy.istio.io/config";
    static final String HOLD = "holdApplicationUntilProxyStarts";
    static final String DRAIN = "terminationDrainDuration";
    static final String CONCURRENCY = "concurrency";
    private static final List<String> HONOURED = List.of(HOLD, DRAIN, CONCURRENCY);

    ProxyConfigAnnotation {
        warnings = List.copyOf(warnings);
    }

    static ProxyConfigAnnotation parse(String value) {
        JsonNode tree;
        try {
            tree = value.isBlank() ? null : JsonText.readYaml(value);
        } catch (JacksonException e) {
            throw invalid(value, "must be a ProxyConfig mapping in YAML or JSON");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return new ProxyConfigAnnotation(null, null, null, List.of());
        }
        if (!tree.isObject()) {
            throw invalid(value, "must be a ProxyConfig mapping in YAML or JSON");
        }
        Boolean hold = null;
        Integer drain = null;
        Integer concurrency = null;
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            JsonNode v = field.getValue();
            switch (field.getKey()) {
                case HOLD -> {
                    if (!v.isBoolean()) {
                        throw invalid(value, HOLD + " must be true or false");
                    }
                    hold = v.booleanValue();
                }
                case DRAIN -> {
                    int seconds = v.isString() ? ProxyLifecycle.durationSeconds(v.asString()) : -1;
                    if (seconds < 0) {
                        throw invalid(value, DRAIN + " must be " + ProxyLifecycle.DURATION_ALLOWED);
                    }
                    drain = seconds;
                }
                case CONCURRENCY -> {
                    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0
                            || v.intValue() > ProxyLifecycle.MAX_CONCURRENCY) {
                        throw invalid(value, CONCURRENCY + " must be a whole number 0-" + ProxyLifecycle.MAX_CONCURRENCY);
                    }
                    if (v.intValue() == 0) {
                        warnings.add("annotation " + KEY + ": concurrency 0 (Istio's \"a worker per node core\") was "
                                + "replaced by the proxy's CPU limit");
                    } else {
                        concurrency = v.intValue();
                    }
                }
                default -> warnings.add("annotation " + KEY + ": field " + abbreviate(field.getKey())
                        + " was ignored: only " + String.join(", ", HONOURED) + " are honoured; the rest of the "
                        + "proxy's configuration comes from the injection config");
            }
        }
        return new ProxyConfigAnnotation(hold, drain, concurrency, warnings);
    }

    private static InvalidAnnotationException invalid(String value, String allowed) {
        return new InvalidAnnotationException(KEY, abbreviate(value), allowed);
    }

    /** At most 80 characters on one line: line breaks and other control characters are escaped. */
    private static String abbreviate(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.length() < 80 ? out.toString() : out.substring(0, 77) + "...";
    }
}
