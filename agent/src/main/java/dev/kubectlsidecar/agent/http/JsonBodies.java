package dev.kubectlsidecar.agent.http;

import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Request bodies as JSON trees: the content type, and parsing within limits that keep hostile input cheap. */
final class JsonBodies {
    /** Deeper than any real pod; keeps a "[[[[..." body from costing a deep recursion anywhere after parsing. */
    static final int MAX_NESTING_DEPTH = 200;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBodies() {
    }

    /** {@code application/json}, optionally with {@code charset=utf-8}; JSON has no other encoding on the wire. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** @throws HttpError 400 when the body is empty or not JSON (the message says where) */
    static JsonNode parse(byte[] body) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new HttpError(400, "request body is not valid JSON: " + Reply.oneLine(e.getOriginalMessage()) + where);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new HttpError(400, "request body is empty");
        }
        return tree;
    }
}
