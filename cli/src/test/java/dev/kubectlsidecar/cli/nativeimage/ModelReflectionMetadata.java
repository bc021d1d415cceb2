package dev.kubectlsidecar.cli.nativeimage;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Generates the native image's reflection metadata for the classes the CLI (de)serialises with Jackson: fabric8's
 * (the GraalVM reachability metadata repository has none for fabric8's Jackson 3 models) and our own records
 * (ConfigDigest writes the InjectionConfig tree). Run by {@code -Pnative} (cli/pom.xml) before the image is built, so
 * it follows the code after every change; nothing is listed by hand.
 *
 * <p>The rule: start from every fabric8 class that the CLI's own classes or fabric8's client refer to (found by
 * {@code jdeps} in their bytecode: the models, and the client's own bound classes such as {@code VersionInfo}, the
 * exec plugins' {@code ExecCredential} and the OIDC token answers) and the classes fabric8 makes of the manifests
 * {@code install} applies, and every class of the CLI and the injector; keep those that Jackson binds (they implement
 * {@link KubernetesResource}, carry Jackson annotations, or are records); then follow their fields' types (type arguments included), superclasses and the classes named in their Jackson annotations
 * ({@code using = …}), to the closure. Each class is registered whole (constructors, methods, fields).
 *
 * <p>{@code java -cp <cli's test class path> dev.kubectlsidecar.cli.nativeimage.ModelReflectionMetadata OUTPUT.json}
 */
public final class ModelReflectionMetadata {
    private static final Pattern FABRIC8_REFERENCE = Pattern.compile("-> (io\\.fabric8\\.[\\w.$]+)");
    private static final Pattern OUR_CLASS = Pattern.compile("(?m)^\\s+(dev\\.kubectlsidecar\\.[\\w.$]+)\\s+->");
    private static final List<String> FOLLOWED = List.of("io.fabric8.", "dev.kubectlsidecar.");
    private static final String MANIFESTS = "/dev/kubectlsidecar/cli/manifests/";

    private ModelReflectionMetadata() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ModelReflectionMetadata OUTPUT.json");
            System.exit(2);
        }
        Set<String> classes = closure(roots());
        Path output = Path.of(args[0]);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, json(classes), StandardCharsets.UTF_8);
        System.out.println("ModelReflectionMetadata: " + classes.size() + " classes Jackson binds -> " + output);
    }

    /** The model classes to start from, by name. */
    static Set<String> roots() throws IOException {
        Set<String> roots = new TreeSet<>();
        List<String> scanned = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            boolean ours = Files.isDirectory(path) && (path.endsWith(Path.of("cli", "target", "classes"))
                    || path.endsWith(Path.of("injector", "target", "classes"))) || name.matches("injector-[\\d.]+(-SNAPSHOT)?\\.jar");
            boolean client = name.matches("kubernetes-client(-api)?-.*\\.jar");
            if (ours || client) {
                scanned.add(entry);
            }
        }
        if (scanned.size() < 4) {
            throw new IllegalStateException("the cli's and the injector's classes and fabric8's client jars are not all on the class path: " + scanned);
        }
        List<String> jdeps = new ArrayList<>(List.of("-verbose:class", "-filter:none", "--ignore-missing-deps",
                "--multi-release", String.valueOf(Runtime.version().feature()), "-cp", System.getProperty("java.class.path")));
        jdeps.addAll(scanned);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"))
                .run(new PrintWriter(out), new PrintWriter(err), jdeps.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("jdeps failed (" + code + "): " + err + out);
        }
        Matcher matcher = FABRIC8_REFERENCE.matcher(out.toString());
        while (matcher.find()) {
            roots.add(matcher.group(1));
        }
        matcher = OUR_CLASS.matcher(out.toString());
        while (matcher.find()) {
            roots.add(matcher.group(1)); // closure() keeps the records: Jackson writes them by their components (ConfigDigest)
        }
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (String file : manifestFiles()) {
            try (InputStream in = ModelReflectionMetadata.class.getResourceAsStream(MANIFESTS + file)) {
                Object object = serialization.unmarshal(in);
                for (Object each : object instanceof List<?> list ? list : List.of(object)) {
                    if (each instanceof HasMetadata resource) {
                        roots.add(resource.getClass().getName());
                    }
                }
            }
        }
        return roots;
    }

    private static List<String> manifestFiles() throws IOException {
        try (InputStream in = ModelReflectionMetadata.class.getResourceAsStream(MANIFESTS)) {
            if (in != null) {
                List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(n -> n.endsWith(".yaml")).toList();
                if (!names.isEmpty()) {
                    return names;
                }
            }
        }
        // From a jar, a resource folder cannot be listed: read the folder on the class path instead.
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path dir = Path.of(entry, MANIFESTS.substring(1));
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
                }
            }
        }
        throw new IllegalStateException("no " + MANIFESTS + " on the class path");
    }

    /** The classes Jackson binds, reachable from these roots. */
    static Set<String> closure(Set<String> roots) throws ClassNotFoundException {
        ClassLoader loader = ModelReflectionMetadata.class.getClassLoader();
        Set<String> seen = new TreeSet<>();
        Set<String> bound = new TreeSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>();
        for (String root : roots) {
            Class<?> type;
            try {
                type = Class.forName(root, false, loader);
            } catch (NoClassDefFoundError absentDependency) {
                continue; // a class whose own dependencies are not on the CLI's class path cannot run in the CLI either
            }
            if (binds(type)) {
                queue.add(type);
            }
        }
        while (!queue.isEmpty()) {
            Class<?> type = queue.remove();
            if (type.isArray()) {
                type = type.getComponentType();
            }
            String name = type.getName();
            if (type.isPrimitive() || FOLLOWED.stream().noneMatch(name::startsWith) || !seen.add(name)) {
                continue;
            }
            bound.add(type.getName());
            if (type.getSuperclass() != null) {
                queue.add(type.getSuperclass());
            }
            annotationClasses(type, queue);
            for (Field field : type.getDeclaredFields()) {
                addTypes(field.getGenericType(), queue);
                annotationClasses(field, queue);
            }
            for (Method method : type.getDeclaredMethods()) {
                annotationClasses(method, queue);
            }
            for (Class<?> nested : type.getDeclaredClasses()) {
                if (nested.isEnum()) {
                    queue.add(nested);
                }
            }
        }
        return bound;
    }

    private static boolean binds(Class<?> type) {
        if (type.isRecord() || KubernetesResource.class.isAssignableFrom(type) && !type.isInterface()) {
            return true;
        }
        for (Annotation annotation : type.getAnnotations()) {
            if (isJackson(annotation)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJackson(Annotation annotation) {
        String name = annotation.annotationType().getName();
        return name.startsWith("com.fasterxml.jackson.") || name.startsWith("tools.jackson.");
    }

    private static void addTypes(Type type, Deque<Class<?>> queue) {
        if (type instanceof Class<?> plain) {
            queue.add(plain);
        } else if (type instanceof ParameterizedType parameterized) {
            addTypes(parameterized.getRawType(), queue);
            for (Type argument : parameterized.getActualTypeArguments()) {
                addTypes(argument, queue);
            }
        } else if (type instanceof GenericArrayType array) {
            addTypes(array.getGenericComponentType(), queue);
        } else if (type instanceof WildcardType wildcard) {
            for (Type bound : wildcard.getUpperBounds()) {
                addTypes(bound, queue);
            }
        }
    }

    /** The classes a Jackson annotation names ({@code using}, {@code as}, {@code builder}, …): Jackson instantiates them. */
    private static void annotationClasses(AnnotatedElement element, Deque<Class<?>> queue) {
        for (Annotation annotation : element.getAnnotations()) {
            if (!isJackson(annotation)) {
                continue;
            }
            for (Method attribute : annotation.annotationType().getDeclaredMethods()) {
                if (attribute.getReturnType() == Class.class) {
                    try {
                        queue.add((Class<?>) attribute.invoke(annotation));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(annotation + "." + attribute.getName(), e);
                    }
                }
            }
        }
    }

    static String json(Set<String> classes) {
        StringBuilder json = new StringBuilder("{\n  \"reflection\": [\n");
        String separator = "";
        for (String name : classes) {
            json.append(separator).append("    {\"type\": \"").append(name).append("\", \"allDeclaredConstructors\": true, ")
                    .append("\"allPublicConstructors\": true, \"allDeclaredMethods\": true, \"allPublicMethods\": true, ")
                    .append("\"allDeclaredFields\": true, \"allPublicFields\": true}");
            separator = ",\n";
        }
        return json.append("\n  ]\n}\n").toString();
    }
}
