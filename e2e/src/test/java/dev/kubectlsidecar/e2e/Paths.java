package dev.kubectlsidecar.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's runnable jars, built by the modules before this one. */
final class Paths {
    static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();
    static final Path AGENT_JAR = REPO.resolve("agent/target/agent.jar");
    static final Path CLI_JAR = REPO.resolve("cli/target/kubectl-sidecar.jar");

    private Paths() {
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static boolean rootWithIptables() {
        return "root".equals(System.getProperty("user.name")) && onPath("ip") && onPath("iptables-restore");
    }
}
