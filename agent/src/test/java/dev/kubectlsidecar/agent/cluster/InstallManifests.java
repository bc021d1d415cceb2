package dev.kubectlsidecar.agent.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The agent's install manifests (resources of the cli module, read from the source tree), parsed into fabric8's
 * typed model. Field names are checked against that model, which is generated from the Kubernetes OpenAPI schema:
 * a misspelt field lands in some object's additional properties, and {@link #unknownFields} finds it.
 */
final class InstallManifests {
    static final Path DIRECTORY = Path.of(System.getProperty("repo.dir", ".."))
            .resolve("cli/src/main/resources/dev/kubectlsidecar/cli/manifests");
    static final Path DOCKERFILE = Path.of(System.getProperty("repo.dir", "..")).resolve("agent/Dockerfile");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private InstallManifests() {
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The files that replace their namesakes with {@code install --cert-manager}. */
    static List<Path> certManagerFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY.resolve("cert-manager"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The one object of {@code type} among {@link #certManagerFiles}. */
    static <T extends HasMetadata> T certManager(Class<T> type) throws IOException {
        List<T> found = new ArrayList<>();
        for (Path file : certManagerFiles()) {
            if (type.isInstance(parse(file))) {
                found.add(type.cast(parse(file)));
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " under cert-manager/, found " + found.size());
        }
        return found.get(0);
    }

    static HasMetadata parse(Path file) throws IOException {
        Object parsed = SERIALIZATION.unmarshal(Files.readString(file));
        if (!(parsed instanceof HasMetadata resource)) {
            throw new AssertionError(file + " is not a single Kubernetes object: " + parsed);
        }
        return resource;
    }

    static List<HasMetadata> all() throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (Path file : files()) {
            resources.add(parse(file));
        }
        return resources;
    }

    static <T extends HasMetadata> T one(Class<T> type) throws IOException {
        List<T> found = all().stream().filter(type::isInstance).map(type::cast).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    /** Paths (getter names) of every non-empty additional-properties map in the object graph. */
    static List<String> unknownFields(Object model) {
        List<String> unknown = new ArrayList<>();
        walk(model, model.getClass().getSimpleName(), unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                walk(value, path + "." + getter.getName().substring(3), unknown, seen);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}
