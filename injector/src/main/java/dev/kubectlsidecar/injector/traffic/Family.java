package dev.kubectlsidecar.injector.traffic;

/** An IP family: each has its own rule list, restore file and {@code iptables}/{@code ip6tables} tools. */
public enum Family {
    V4("iptables"),
    V6("ip6tables");

    private final String tool;

    Family(String tool) {
        this.tool = tool;
    }

    /** {@code iptables-restore} or {@code ip6tables-restore}. */
    public String restoreCommand() {
        return tool + "-restore";
    }

    /** {@code iptables-save} or {@code ip6tables-save}. */
    public String saveCommand() {
        return tool + "-save";
    }
}
