package dev.kubectlsidecar.bench.scale;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the scale run's cluster holds, decided up front and the same for the same arguments: namespaces, and pods
 * spread evenly over them, with about 1 % in kube-system. Namespaces: 70 % labelled {@code istio-injection=enabled},
 * 5 % labelled {@code disabled} after their pods were injected (so those are stale), 25 % unlabelled. Each holds
 * the same mix of workloads ({@link #SLOTS}); in unlabelled namespaces the worker opts in with the pod label, in
 * every other enabled one the cache opts out, and the DaemonSet's pod uses hostNetwork. Of the pods that end up
 * injected, about 2 % report iptables rules that do not match, 2 % have a crash-looping proxy and 1 % no rules yet.
 * With 20 pods a namespace about 70 % of all pods are injected.
 */
final class ClusterPlan {
    /** The workloads of one namespace's pods, in order; a namespace with more pods starts over. */
    static final List<App> SLOTS = List.of(
            App.ORDERS, App.ORDERS, App.ORDERS, App.ORDERS,
            App.WEB, App.WEB, App.WEB, App.WEB, App.WEB, App.WEB,
            App.WORKER, App.WORKER, App.WORKER, App.WORKER,
            App.CACHE, App.CACHE, App.CACHE,
            App.REPORT, App.REPORT,
            App.NODE_AGENT);
    static final String INJECTION_LABEL = "istio-injection";
    static final String POD_SWITCH = "sidecar.istio.io/inject";
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final List<String> TEAMS = List.of("shop", "payments", "search", "catalog", "checkout", "identity",
            "billing", "ml", "data", "edge");

    enum NamespaceKind { ENABLED, DISABLED_AFTER_INJECTION, UNLABELLED, SYSTEM }

    /** How an injected pod is doing, as its status will say. */
    enum Condition { HEALTHY, IPTABLES_MISMATCH, PROXY_NOT_READY, NO_RULES_REPORTED }

    record PlannedNamespace(String name, NamespaceKind kind) {
        /** The labels it has now. */
        Map<String, String> labels() {
            return switch (kind) {
                case ENABLED -> Map.of(INJECTION_LABEL, "enabled");
                case DISABLED_AFTER_INJECTION -> Map.of(INJECTION_LABEL, "disabled");
                case UNLABELLED, SYSTEM -> Map.of();
            };
        }

        /** The labels it had when its pods were created (and went through the webhook). */
        Map<String, String> labelsAtCreation() {
            return kind == NamespaceKind.DISABLED_AFTER_INJECTION ? Map.of(INJECTION_LABEL, "enabled") : labels();
        }
    }

    /**
     * @param owner the controlling object: {@code kind}, {@code name}
     * @param condition how it is doing if it ends up injected
     */
    record PlannedPod(PlannedNamespace namespace, String name, App app, String ownerKind, String ownerName,
                      Map<String, String> labels, Condition condition, Instant created) {
    }

    private final List<PlannedNamespace> namespaces;
    private final List<PlannedPod> pods;

    private ClusterPlan(List<PlannedNamespace> namespaces, List<PlannedPod> pods) {
        this.namespaces = namespaces;
        this.pods = pods;
    }

    /** The namespaces to create (kube-system, which every cluster has, not among them). */
    List<PlannedNamespace> namespaces() {
        return namespaces;
    }

    List<PlannedPod> pods() {
        return pods;
    }

    static ClusterPlan of(int podCount, int namespaceCount, Instant now) {
        if (podCount < 1 || namespaceCount < 1) {
            throw new IllegalArgumentException("pods and namespaces must be at least 1, got " + podCount + " and " + namespaceCount);
        }
        SplittableRandom random = new SplittableRandom(podCount * 31L + namespaceCount);
        List<PlannedNamespace> namespaces = new ArrayList<>();
        for (int i = 0; i < namespaceCount; i++) {
            namespaces.add(new PlannedNamespace(TEAMS.get(i % TEAMS.size()) + "-" + String.format("%03d", i), kind(i)));
        }
        int system = podCount / 100;
        List<PlannedPod> pods = new ArrayList<>();
        PlannedNamespace kubeSystem = new PlannedNamespace("kube-system", NamespaceKind.SYSTEM);
        for (int j = 0; j < system; j++) {
            pods.add(pod(kubeSystem, 0, App.COREDNS, j, random, now));
        }
        int rest = podCount - system;
        for (int i = 0; i < namespaceCount; i++) {
            int inNamespace = rest / namespaceCount + (i < rest % namespaceCount ? 1 : 0);
            for (int j = 0; j < inNamespace; j++) {
                pods.add(pod(namespaces.get(i), i, SLOTS.get(j % SLOTS.size()), j, random, now));
            }
        }
        return new ClusterPlan(List.copyOf(namespaces), List.copyOf(pods));
    }

    private static NamespaceKind kind(int index) {
        int slot = index % 20;
        return slot < 14 ? NamespaceKind.ENABLED : slot == 14 ? NamespaceKind.DISABLED_AFTER_INJECTION : NamespaceKind.UNLABELLED;
    }

    private static PlannedPod pod(PlannedNamespace namespace, int namespaceIndex, App app, int index,
                                  SplittableRandom random, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (app == App.WORKER && namespace.kind() == NamespaceKind.UNLABELLED) {
            labels.put(POD_SWITCH, "true");
        }
        if (app == App.CACHE && namespaceIndex % 2 == 0 && namespace.kind() != NamespaceKind.UNLABELLED) {
            labels.put(POD_SWITCH, "false");
        }
        // one ReplicaSet per Deployment and namespace, so the Deployment's replicas share its hash
        String hash = suffix(new SplittableRandom(namespaceIndex * 64L + app.ordinal()), 10);
        String ownerName;
        String name;
        switch (app.controller()) {
            case "Deployment" -> {
                ownerName = app.appName() + "-" + hash;
                name = ownerName + "-" + suffix(random, 5);
                labels.put("pod-template-hash", hash);
            }
            case "StatefulSet" -> {
                ownerName = app.appName();
                name = app.appName() + "-" + index;
                labels.put("statefulset.kubernetes.io/pod-name", name);
            }
            case "Job" -> {
                ownerName = app.appName() + "-" + (29_000_000 + random.nextInt(100_000));
                name = ownerName + "-" + suffix(random, 5);
                labels.put("job-name", ownerName);
            }
            default -> {
                ownerName = app.appName();
                name = app.appName() + "-" + suffix(random, 5);
            }
        }
        int roll = random.nextInt(100);
        Condition condition = roll < 2 ? Condition.IPTABLES_MISMATCH : roll < 4 ? Condition.PROXY_NOT_READY
                : roll < 5 ? Condition.NO_RULES_REPORTED : Condition.HEALTHY;
        String kind = app.controller().equals("Deployment") ? "ReplicaSet" : app.controller();
        Instant created = now.minus(Duration.ofMinutes(random.nextInt(30 * 24 * 60))).truncatedTo(ChronoUnit.SECONDS);
        return new PlannedPod(namespace, name, app, kind, ownerName, labels, condition, created);
    }

    private static String suffix(SplittableRandom random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return out.toString();
    }
}
