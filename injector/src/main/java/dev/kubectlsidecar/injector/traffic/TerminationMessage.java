package dev.kubectlsidecar.injector.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the init container leaves in its termination message: the {@code iptables-save} output of the tables it
 * programmed (comments dropped, counters zeroed), one block per family under a header line:
 * <pre>
 * ### ipv4
 * *nat
 * :PREROUTING ACCEPT [0:0]
 * …
 * COMMIT
 * ### ipv6                                   (or: ### ipv6 skipped: no IPv6 address)
 * …
 * </pre>
 * The kubelet keeps at most {@value #LIMIT} bytes, so a longer message is cut at a line boundary and ends with the
 * line {@value #TRUNCATED}, never silently.
 */
public record TerminationMessage(Optional<String> v4, Optional<String> v6, boolean v6Skipped, boolean truncated) {
    public static final int LIMIT = 4096;
    static final String HEADER_V4 = "### ipv4";
    static final String HEADER_V6 = "### ipv6";
    static final String V6_SKIPPED = "### ipv6 skipped: no IPv6 address";
    static final String TRUNCATED = "### truncated";

    /** Reads a message; text without any block header yields an empty message. */
    public static TerminationMessage parse(String text) {
        StringBuilder v4 = null;
        StringBuilder v6 = null;
        StringBuilder current = null;
        boolean skipped = false;
        boolean truncated = false;
        for (String line : text == null ? List.<String>of() : List.of(text.split("\n"))) {
            switch (line.strip()) {
                case HEADER_V4 -> current = v4 = new StringBuilder();
                case HEADER_V6 -> current = v6 = new StringBuilder();
                case V6_SKIPPED -> {
                    skipped = true;
                    current = null;
                }
                case TRUNCATED -> {
                    truncated = true;
                    current = null;
                }
                default -> {
                    if (current != null) {
                        current.append(line).append('\n');
                    }
                }
            }
        }
        return new TerminationMessage(Optional.ofNullable(v4).map(Object::toString),
                Optional.ofNullable(v6).map(Object::toString), skipped, truncated);
    }

    /** The {@code iptables-save} text of the family's block, if the message has one. */
    public Optional<String> block(Family family) {
        return family == Family.V4 ? v4 : v6;
    }

    /** The families with a block. */
    public List<Family> families() {
        List<Family> families = new ArrayList<>();
        v4.ifPresent(text -> families.add(Family.V4));
        v6.ifPresent(text -> families.add(Family.V6));
        return families;
    }
}
