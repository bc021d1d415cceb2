package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.injector.state.PodSidecarState;
import dev.kubectlsidecar.injector.state.PodStatesJson;
import dev.kubectlsidecar.injector.text.PrintedText;
import dev.kubectlsidecar.injector.traffic.Verification;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a status snapshot: a summary line per namespace, then the pod table (wide adds four columns). */
final class StatusView {
    private StatusView() {
    }

    static String render(StatusSource.Snapshot snapshot, boolean wide, int width, Instant now) {
        StringBuilder out = new StringBuilder();
        Map<String, List<PodSidecarState>> byNamespace = new LinkedHashMap<>();
        snapshot.pods().forEach(pod -> byNamespace.computeIfAbsent(pod.namespace(), k -> new ArrayList<>()).add(pod));
        if (byNamespace.isEmpty()) {
            snapshot.namespaceLabels().keySet().stream().sorted().forEach(ns -> byNamespace.put(ns, List.of()));
        }
        byNamespace.forEach((namespace, pods) -> out.append(PrintedText.escape(summary(namespace, snapshot, pods))).append('\n'));
        if (snapshot.pods().isEmpty()) {
            return out.append("No pods found.\n").toString();
        }
        out.append('\n');
        boolean allNamespaces = byNamespace.size() > 1;
        List<String> headers = new ArrayList<>();
        if (allNamespaces) {
            headers.add("NAMESPACE");
        }
        headers.addAll(List.of("POD", "OWNER", "SIDECAR", "PROXY", "IPTABLES", "AGE"));
        if (wide) {
            headers.addAll(List.of("PROFILE", "IMAGE", "NATIVE", "HASH"));
        }
        headers.add("REASON");
        Table table = new Table(headers);
        for (PodSidecarState pod : snapshot.pods()) {
            List<String> row = new ArrayList<>();
            if (allNamespaces) {
                row.add(pod.namespace());
            }
            row.addAll(List.of(pod.name(), dash(pod.owner() == null ? null : pod.owner().toLowerCase(Locale.ROOT)),
                    sidecar(pod), proxy(pod), iptables(pod.iptables()), age(pod.createdAt(), now)));
            if (wide) {
                row.addAll(List.of(dash(pod.profile()), dash(pod.proxy().image()), pod.injected() ? String.valueOf(pod.nativeSidecar()) : "-",
                        dash(pod.templateHash())));
            }
            row.add(dash(pod.lastMessage()));
            table.add(row);
        }
        return out.append(table.render(width)).append(rolloutHint(snapshot.pods(), byNamespace.size())).toString();
    }

    /** Pods a restart fixes: point to {@code rollout}, which restarts exactly their workloads. */
    private static String rolloutHint(List<PodSidecarState> pods, int namespaces) {
        long missing = pods.stream().filter(PodSidecarState::missing).count();
        long stale = pods.stream().filter(PodSidecarState::stale).count();
        if (missing + stale == 0) {
            return "";
        }
        String scope = namespaces == 1 ? "-n " + pods.get(0).namespace() : "-A";
        List<String> parts = new ArrayList<>();
        if (missing > 0) {
            parts.add(missing + " without their sidecar");
        }
        if (stale > 0) {
            parts.add(stale + " with a stale one");
        }
        return "\n" + String.join(" and ", parts) + ": kubectl sidecar rollout " + scope
                + " restarts their workloads (--dry-run to see the plan)\n";
    }

    private static String summary(String namespace, StatusSource.Snapshot snapshot, List<PodSidecarState> pods) {
        long injected = pods.stream().filter(PodSidecarState::injected).count();
        long stale = pods.stream().filter(PodSidecarState::stale).count();
        long iptables = pods.stream().filter(p -> p.iptables() == Verification.Status.MISMATCH).count();
        long bypass = pods.stream().filter(PodSidecarState::proxyBypass).count();
        long held = pods.stream().filter(PodSidecarState::heldByProxy).count();
        return "namespace " + namespace + ": injection " + (snapshot.enabled(namespace) ? "enabled" : "disabled")
                + " · " + Plural.of(pods.size(), "pod") + ": " + injected + " injected, " + (pods.size() - injected) + " not injected, "
                + stale + " stale, " + Plural.of(iptables, "iptables problem")
                + (bypass > 0 ? ", " + bypass + " bypassing the proxy" : "")
                + (held > 0 ? ", " + held + " held running by the proxy after their job" : "");
    }

    private static String sidecar(PodSidecarState pod) {
        if (!pod.injected()) {
            return "no";
        }
        return pod.stale() ? "stale" : "yes";
    }

    private static String proxy(PodSidecarState pod) {
        String word = PodStatesJson.proxyWord(pod);
        if (word.equals("none")) {
            return "-";
        }
        return pod.proxy().restarts() > 0 ? word + " (" + Plural.of(pod.proxy().restarts(), "restart") + ")" : word;
    }

    private static String iptables(Verification.Status status) {
        return status == Verification.Status.NOT_APPLICABLE ? "-" : status.name().toLowerCase(Locale.ROOT);
    }

    static String age(String createdAt, Instant now) {
        if (createdAt == null) {
            return "-";
        }
        try {
            return duration(Duration.between(instant(createdAt), now));
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    /** As kubectl prints ages: the largest whole unit, {@code 3d}, {@code 5h}, {@code 12m}, {@code 40s}. */
    static String duration(Duration duration) {
        if (duration.isNegative()) {
            return "0s";
        }
        if (duration.toDays() > 0) {
            return duration.toDays() + "d";
        }
        if (duration.toHours() > 0) {
            return duration.toHours() + "h";
        }
        return duration.toMinutes() > 0 ? duration.toMinutes() + "m" : duration.toSeconds() + "s";
    }

    /**
     * {@code Instant.parse}, with a fast path for the form the API server writes ({@code 2026-11-26T08:55:00Z}):
     * {@code status -A} parses one per pod, and the general parser costs some 5 µs each in the CLI's C1-only JVM.
     */
    private static Instant instant(String text) {
        if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            try {
                return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10),
                        digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19)).toInstant(ZoneOffset.UTC);
            } catch (NumberFormatException | DateTimeException e) {
                // not a date after all: the general parser says why
            }
        }
        return Instant.parse(text);
    }

    private static int digits(String text, int from, int to) {
        return Integer.parseUnsignedInt(text, from, to, 10);
    }

    private static String dash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
