package dev.kubectlsidecar.injector.traffic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Which iptables the init script finds on PATH, and the tools a test uses to look at what it applied: the machine's
 * own, or iptables-legacy (as on a node whose kube-proxy uses it). The machine-wide alternatives are left alone:
 * for legacy, the script's PATH starts with a directory of {@code iptables-restore}/{@code -save} wrappers that run
 * the legacy tools.
 */
record IptablesBackend(Map<String, String> environment, String iptables, String iptablesSave, String ip6tablesSave) {
    static final String DEFAULT = "default";
    static final String LEGACY = "legacy";
    static final IptablesBackend MACHINE = new IptablesBackend(Map.of(), "iptables", "iptables-save",
            "ip6tables-save");

    /**
     * {@value #DEFAULT} or {@value #LEGACY}; the legacy wrappers are written under {@code scratch}. Skips the test
     * (an assumption) when the legacy tools are not installed.
     */
    static IptablesBackend named(String name, Path scratch) throws IOException {
        if (name.equals(DEFAULT)) {
            return MACHINE;
        }
        if (!name.equals(LEGACY)) {
            throw new IllegalArgumentException("no iptables backend named " + name);
        }
        Optional<String> reason = NetworkNamespace.unavailableReason("iptables-legacy-restore", "iptables-legacy-save",
                "ip6tables-legacy-restore", "ip6tables-legacy-save");
        Assumptions.assumeTrue(reason.isEmpty(), () -> "legacy backend: " + reason.orElseThrow());
        Path bin = Files.createDirectories(scratch.resolve("legacy-bin"));
        for (String tool : List.of("iptables", "ip6tables")) {
            for (String verb : List.of("restore", "save")) {
                Path wrapper = bin.resolve(tool + "-" + verb);
                Files.writeString(wrapper, "#!/bin/sh\nexec " + tool + "-legacy-" + verb + " \"$@\"\n");
                if (!wrapper.toFile().setExecutable(true)) {
                    throw new IOException("cannot make " + wrapper + " executable");
                }
            }
        }
        return new IptablesBackend(Map.of("PATH", bin + ":" + System.getenv("PATH")), "iptables-legacy",
                "iptables-legacy-save", "ip6tables-legacy-save");
    }
}
