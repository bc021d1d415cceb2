package dev.kubectlsidecar.testkit.agent;

import dev.kubectlsidecar.testkit.api.Kubeconfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Runs the agent jar as a local process, one per Deployment:
 * {@code java JVM_OPTIONS -jar AGENT_JAR ARGUMENTS}, in a fresh directory that holds a kubeconfig for the local
 * cluster and the process's log ({@code agent.log}). The arguments are a template whose placeholders are replaced:
 * <ul>
 * <li>{@code {kubeconfig}} the kubeconfig file, {@code {namespace}} the Deployment's namespace, {@code {name}} its
 * name, {@code {port}} a free port of 127.0.0.1 the agent must serve HTTPS on, {@code {dir}} the directory;</li>
 * <li>{@code {args}} (a whole argument) the first container's {@code args} from the Deployment.</li>
 * </ul>
 * The container's {@code env} is passed too: plain values, and the downward-API fields {@code metadata.namespace},
 * {@code metadata.name} (a pod name) and {@code spec.serviceAccountName}. A JVM option {@code {jvm-options}} stands
 * for the options of the container's own {@code command} ({@code java OPTIONS -jar ...}), so the agent runs with the
 * heap and GC its manifest sets ({@link #DEPLOYMENT_JVM_OPTIONS}).
 */
public final class ProcessAgentLauncher implements AgentLauncher {
    /** The JVM options of the Deployment's container command. */
    public static final List<String> DEPLOYMENT_JVM_OPTIONS = List.of("{jvm-options}");
    public static final List<String> DEFAULT_ARGUMENTS =
            List.of("--kubeconfig", "{kubeconfig}", "--namespace", "{namespace}", "--port", "{port}");
    private static final int LOG_TAIL = 4000;

    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> arguments;

    public ProcessAgentLauncher(Path jar) {
        this(jar, DEPLOYMENT_JVM_OPTIONS, DEFAULT_ARGUMENTS);
    }

    public ProcessAgentLauncher(Path jar, List<String> jvmOptions, List<String> arguments) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("agent jar " + jar + " is not a file");
        }
        this.jar = jar.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.arguments = List.copyOf(arguments);
    }

    @Override
    public RunningAgent start(String apiServerUrl, JsonNode deployment) throws IOException {
        String namespace = deployment.path("metadata").path("namespace").asString();
        String name = deployment.path("metadata").path("name").asString();
        Path dir = Files.createTempDirectory("kubectl-sidecar-agent-");
        Path kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), apiServerUrl);
        int port = freePort();
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
        Map<String, String> values = Map.of("{kubeconfig}", kubeconfig.toString(), "{namespace}", namespace,
                "{name}", name, "{port}", Integer.toString(port), "{dir}", dir.toString());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : jvmOptions) {
            if (option.equals("{jvm-options}")) {
                command.addAll(commandJvmOptions(container));
            } else {
                command.add(option);
            }
        }
        command.add("-jar");
        command.add(jar.toString());
        for (String argument : arguments) {
            if (argument.equals("{args}")) {
                container.path("args").forEach(arg -> command.add(arg.asString()));
            } else {
                String expanded = argument;
                for (Map.Entry<String, String> value : values.entrySet()) {
                    expanded = expanded.replace(value.getKey(), value.getValue());
                }
                command.add(expanded);
            }
        }
        Path log = dir.resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(ContainerEnvironment.of(container, namespace, name + "-local",
                deployment.path("spec").path("template").path("spec")));
        return new AgentProcess(builder.start(), port, dir, log);
    }

    /** The options between {@code java} and {@code -jar} in the container's {@code command}; none without one. */
    public static List<String> commandJvmOptions(JsonNode container) {
        List<String> command = new ArrayList<>();
        container.path("command").forEach(part -> command.add(part.asString()));
        int jar = command.indexOf("-jar");
        if (command.isEmpty() || !Path.of(command.get(0)).getFileName().toString().equals("java") || jar < 0) {
            return List.of();
        }
        return List.copyOf(command.subList(1, jar));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The agent process; its directory is removed when it stops. */
    private record AgentProcess(Process process, int port, Path dir, Path log) implements RunningAgent {
        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.of(process.pid());
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public String diagnostics() {
            String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
            try {
                byte[] bytes = Files.readAllBytes(log);
                int from = Math.max(0, bytes.length - LOG_TAIL);
                return "agent process " + state + "; log " + log + ":\n"
                        + new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "agent process " + state + "; no log: " + e.getMessage();
            }
        }

        @Override
        public void kill() {
            try {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("remove " + dir, e);
            }
        }
    }
}
