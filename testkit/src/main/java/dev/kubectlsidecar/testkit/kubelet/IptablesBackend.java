package dev.kubectlsidecar.testkit.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Which iptables a node's pods get. Istio's init image (and ours, distroless-iptables) runs a wrapper that picks the
 * backend the node's kube-proxy uses; here {@link #LEGACY} puts {@code iptables-restore}, {@code iptables-save} and
 * their {@code ip6tables} twins on the init container's PATH as the legacy tools, the way Debian's alternatives do
 * (links to {@code xtables-legacy-multi}, which acts on the name it is called by). The machine's alternatives are
 * left alone.
 */
public enum IptablesBackend {
    /** Whatever {@code iptables-restore} on this machine's PATH is (nft on current distributions). */
    MACHINE,
    /** iptables-legacy, as on a node whose kube-proxy still uses it. */
    LEGACY;

    private static final List<String> TOOLS = List.of("iptables-restore", "iptables-save", "ip6tables-restore",
            "ip6tables-save");

    /** What the node needs on PATH for its init containers (besides {@code ip}). */
    List<String> requiredTools() {
        return this == MACHINE ? List.of("iptables-restore", "iptables-save")
                : TOOLS.stream().map(IptablesBackend::legacyName).toList();
    }

    /** The {@code iptables-save} command that shows what this backend holds. */
    public String saveCommand() {
        return this == MACHINE ? "iptables-save" : legacyName("iptables-save");
    }

    /**
     * The environment init containers run with on such a node: for {@link #LEGACY}, a PATH that starts with a
     * directory under {@code scratch} holding the legacy tools under the standard names.
     */
    Map<String, String> environment(Path scratch) throws IOException {
        if (this == MACHINE) {
            return Map.of();
        }
        Path bin = Files.createDirectories(scratch.resolve("legacy-iptables"));
        for (String tool : TOOLS) {
            Path target = NetnsRunner.find(legacyName(tool)).orElseThrow(() -> new IOException(legacyName(tool) + " is not on PATH"));
            Path link = bin.resolve(tool);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target.toRealPath());
        }
        return Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
    }

    private static String legacyName(String tool) {
        return tool.replaceFirst("^(ip6?tables)-", "$1-legacy-");
    }
}
