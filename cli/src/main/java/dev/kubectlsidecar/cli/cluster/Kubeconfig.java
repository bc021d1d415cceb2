package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The kubeconfig as kubectl (client-go's clientcmd) reads it, with Jackson only, so offline commands can take the
 * context's namespace without loading the cluster client: {@code --kubeconfig FILE} (which must exist), else the
 * files of {@code $KUBECONFIG} that exist, merged (the first file to name a context, cluster or user, or to set
 * {@code current-context}, wins), else {@code ~/.kube/config}. Relative file names in a file are resolved against
 * its directory before merging.
 *
 * <p>{@link #select} checks {@code --context}, {@code --cluster} and {@code --user} before any request, with
 * kubectl's messages; where kubectl would fall back to {@code http://localhost:8080} (no file, no current context, a
 * context naming a cluster that does not exist) this fails instead, naming what is missing.
 */
public final class Kubeconfig {
    /** Fields that name files, per section, resolved against the kubeconfig's directory as client-go does. */
    private static final Map<String, List<String>> FILE_FIELDS = Map.of(
            "cluster", List.of("certificate-authority"),
            "user", List.of("client-certificate", "client-key", "tokenFile"));

    private final List<Path> files;
    private final ObjectNode merged;

    private Kubeconfig(List<Path> files, ObjectNode merged) {
        this.files = files;
        this.merged = merged;
    }

    /** The context, cluster and user a command uses, and the merged kubeconfig that names them. */
    public record Selection(String context, String cluster, String user, String namespace, String yaml, Path file) {
        /** The context's namespace, else {@code default}: where kubectl puts what names no namespace. */
        public String namespaceOrDefault() {
            return namespace == null || namespace.isEmpty() ? "default" : namespace;
        }
    }

    /** As {@link #locate(Path, String, Path)} with this process's {@code $KUBECONFIG} and home directory. */
    public static Optional<Kubeconfig> locate(Path flag) {
        return locate(flag, System.getenv("KUBECONFIG"), Path.of(System.getProperty("user.home")));
    }

    /**
     * The kubeconfig kubectl would read, or empty when there is none.
     *
     * @throws UserError when {@code --kubeconfig} names a file that cannot be read, or a file is not a kubeconfig
     */
    static Optional<Kubeconfig> locate(Path flag, String variable, Path home) {
        List<Path> files = new ArrayList<>();
        if (flag != null) {
            files.add(flag);
        } else if (variable != null && !variable.isEmpty()) {
            for (String name : variable.split(File.pathSeparator)) {
                if (!name.isEmpty() && Files.exists(Path.of(name)) && !files.contains(Path.of(name))) {
                    files.add(Path.of(name));
                }
            }
        } else if (Files.exists(home.resolve(".kube").resolve("config"))) {
            files.add(home.resolve(".kube").resolve("config"));
        }
        if (files.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode merged = Json.object();
        for (Path file : files) {
            merge(merged, read(file));
        }
        return Optional.of(new Kubeconfig(List.copyOf(files), merged));
    }

    /** Where no kubeconfig was found, said as the error of a command that needs one. */
    public static UserError missing() {
        String variable = System.getenv("KUBECONFIG");
        return new UserError("no kubeconfig found (" + (variable != null && !variable.isEmpty()
                ? "none of the files $KUBECONFIG names exists: " + variable : "no $KUBECONFIG and no ~/.kube/config")
                + "): pass --kubeconfig FILE, or set up access with your cluster provider's CLI");
    }

    /**
     * The context to use ({@code --context}, else {@code current-context}) with {@code --cluster} and {@code --user}
     * applied, checked as kubectl checks them.
     */
    public Selection select(String contextFlag, String clusterFlag, String userFlag) {
        String contextName = contextFlag != null && !contextFlag.isEmpty() ? contextFlag : merged.path("current-context").asString("");
        if (contextName.isEmpty()) {
            throw new UserError("no context is set in " + describeFiles()
                    + ": pass --context NAME, or choose one with `kubectl config use-context NAME`");
        }
        ObjectNode context = named("contexts", contextName, "context")
                .orElseThrow(() -> UserError.configuration("context was not found for specified context: " + contextName));
        String cluster = clusterFlag != null && !clusterFlag.isEmpty() ? clusterFlag : context.path("cluster").asString("");
        String server = named("clusters", cluster, "cluster").map(c -> c.path("server").asString("")).orElse("");
        if (server.isEmpty()) {
            throw new UserError("no server found for cluster \"" + cluster + "\"");
        }
        String user = userFlag != null && !userFlag.isEmpty() ? userFlag : context.path("user").asString("");
        if (!user.isEmpty() && named("users", user, "user").isEmpty()) {
            throw new UserError("auth info \"" + user + "\" does not exist");
        }
        context.put("cluster", cluster);
        if (user.isEmpty()) {
            context.remove("user");
        } else {
            context.put("user", user);
        }
        String namespace = context.path("namespace").asString("");
        return new Selection(contextName, cluster, user, namespace.isEmpty() ? null : namespace,
                JsonMappers.YAML.writeValueAsString(merged), files.get(0));
    }

    private Optional<ObjectNode> named(String section, String name, String field) {
        for (JsonNode entry : merged.path(section)) {
            if (name.equals(entry.path("name").asString(null)) && entry.path(field).isObject()) {
                return Optional.of((ObjectNode) entry.path(field));
            }
        }
        return Optional.empty();
    }

    private String describeFiles() {
        return files.size() == 1 ? files.get(0).toString() : "the kubeconfig files " + files;
    }

    private static ObjectNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError("stat " + file + ": no such file or directory");
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "is a directory" : String.valueOf(e.getMessage());
            throw new UserError("error loading config file \"" + file + "\": read " + file + ": " + reason);
        }
        JsonNode tree;
        try {
            tree = text.isBlank() ? Json.object() : JsonMappers.YAML.readTree(text);
        } catch (JacksonException e) {
            throw new UserError("error loading config file \"" + file + "\": " + problem(e));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new UserError("error loading config file \"" + file + "\": not a kubeconfig (a mapping with clusters, users and contexts)");
        }
        resolvePaths(object, file.toAbsolutePath().getParent());
        return object;
    }

    /** The parser's problem on one line, e.g. {@code line 2: expected the node content, but found '<stream end>'}. */
    private static String problem(JacksonException e) {
        String message = String.valueOf(e.getOriginalMessage());
        String[] lines = message.split("\n");
        String what = lines[0];
        for (String line : lines) {
            if (line.startsWith("expected") || line.startsWith("found") || line.startsWith("mapping values")) {
                what = line;
            }
        }
        return (e.getLocation() != null && e.getLocation().getLineNr() > 0 ? "line " + e.getLocation().getLineNr() + ": " : "")
                + what.strip();
    }

    private static void resolvePaths(ObjectNode config, Path directory) {
        FILE_FIELDS.forEach((field, names) -> {
            for (JsonNode entry : config.path(field + "s")) {
                if (entry.path(field) instanceof ObjectNode section) {
                    for (String name : names) {
                        String value = section.path(name).asString("");
                        if (!value.isEmpty() && !Path.of(value).isAbsolute()) {
                            section.put(name, directory.resolve(value).normalize().toString());
                        }
                    }
                }
            }
        });
    }

    /** client-go's merge: the first file to set a value wins; named entries are merged by name. */
    private static void merge(ObjectNode into, ObjectNode file) {
        for (String section : List.of("clusters", "users", "contexts")) {
            ArrayNode entries = into.has(section) ? (ArrayNode) into.get(section) : into.putArray(section);
            for (JsonNode entry : file.path(section)) {
                String name = entry.path("name").asString(null);
                boolean known = false;
                for (JsonNode existing : entries) {
                    known |= name != null && name.equals(existing.path("name").asString(null));
                }
                if (name != null && !known) {
                    entries.add(entry.deepCopy());
                }
            }
        }
        for (String field : List.of("apiVersion", "kind", "current-context")) {
            if (into.path(field).asString("").isEmpty() && !file.path(field).asString("").isEmpty()) {
                into.put(field, file.path(field).asString());
            }
        }
    }
}
