package dev.kubectlsidecar.testkit.api;

import dev.kubectlsidecar.injector.json.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/** The Kubernetes version the local cluster claims to be, as {@code /version} reports it. */
public record ServerVersion(String gitVersion, int major, int minor) {
    private static final Pattern GIT_VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.\\d+([-+][0-9A-Za-z.+-]*)?");

    /** Parses {@code v1.31.0} (pre-release and build suffixes allowed). */
    public static ServerVersion parse(String gitVersion) {
        Matcher matcher = GIT_VERSION.matcher(gitVersion == null ? "" : gitVersion);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("server version: expected vMAJOR.MINOR.PATCH like v1.31.0, got \""
                    + gitVersion + "\"");
        }
        return new ServerVersion(gitVersion, Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    ObjectNode document() {
        ObjectNode out = Json.object();
        out.put("major", Integer.toString(major));
        out.put("minor", Integer.toString(minor));
        out.put("gitVersion", gitVersion);
        out.put("gitCommit", "0000000000000000000000000000000000000000");
        out.put("gitTreeState", "clean");
        out.put("buildDate", "2024-01-01T00:00:00Z");
        out.put("goVersion", "go1.22.0");
        out.put("compiler", "gc");
        out.put("platform", "linux/amd64");
        return out;
    }
}
