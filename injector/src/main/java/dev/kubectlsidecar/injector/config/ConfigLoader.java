package dev.kubectlsidecar.injector.config;

import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.traffic.TrafficDefaults;
import dev.kubectlsidecar.injector.traffic.TrafficSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Parses and validates an {@link InjectionConfig} from YAML; every error names the source and the field. */
public final class ConfigLoader {
    private static final String DEFAULT_RESOURCE = "default-config.yaml";
    private static final Set<String> TOP_FIELDS =
            Set.of("policy", "defaultProfile", "nativeSidecar", "allowImageOverride", "proxyLifecycle",
                    "ignoredNamespaces", "profiles");
    private static final Set<String> LIFECYCLE_FIELDS = Set.of("holdApplicationUntilProxyStarts", "holdTimeoutSeconds",
            "terminationDrainDuration", "maxConcurrency");
    private static final Set<String> PROFILE_FIELDS = Set.of("flavor", "proxyImage", "initImage", "imagePullPolicy",
            "resources", "initResources", "traffic", "mesh");
    private static final Set<String> MESH_FIELDS = Set.of("revision", "istioNamespace", "caAddress", "trustDomain",
            "clusterID", "meshID", "rewriteAppProbers", "serviceAttributeEnrichment");
    /** A DNS label: what a revision, a namespace and each part of a trust domain must be. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern HOST_PORT =
            Pattern.compile("[A-Za-z0-9]([-.A-Za-z0-9]{0,251}[A-Za-z0-9])?:\\d{1,5}");
    /** Printable, no blanks or quotes: a value that goes into the proxy's environment as is. */
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9][-._A-Za-z0-9]{0,252}");
    private static final Set<String> RESOURCE_FIELDS = Set.of("requests", "limits");
    private static final Set<String> RESOURCE_NAMES = Set.of("cpu", "memory", "ephemeral-storage");
    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");
    private static final Set<String> TRAFFIC_FIELDS = Set.of("proxyPort", "inboundCapturePort", "inboundTunnelPort",
            "proxyUID", "proxyGID", "interceptionMode", "includeOutboundIPRanges", "excludeOutboundIPRanges",
            "includeInboundPorts", "excludeInboundPorts", "includeOutboundPorts", "excludeOutboundPorts",
            "excludeInterfaces", "kubevirtInterfaces", "redirectDNS", "dropInvalid");

    private ConfigLoader() {
    }

    /**
     * The embedded default: usable with no cluster and no config file. Parsed once, under the class-initialisation
     * lock, so a caller arriving while another thread parses it waits for that result instead of parsing again.
     */
    public static InjectionConfig embeddedDefault() {
        return Embedded.CONFIG;
    }

    private static final class Embedded {
        static final InjectionConfig CONFIG = load();

        private static InjectionConfig load() {
            try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                return parse("embedded default config", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static InjectionConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException(file + ": cannot read the config: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public static InjectionConfig parse(String source, String yaml) {
        JsonNode tree;
        try {
            tree = JsonText.readYaml(yaml);
        } catch (JacksonException e) {
            throw new InvalidConfigException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InvalidConfigException(source + ": the config is empty");
        }
        ConfigNode top = new ConfigNode(source, "", tree);
        top.allowOnly(TOP_FIELDS);
        ConfigNode profilesNode = top.object("profiles");
        if (profilesNode == null || profilesNode.fieldNames().isEmpty()) {
            throw top.error("profiles", "at least one profile is required");
        }
        Map<String, Profile> profiles = new LinkedHashMap<>();
        profilesNode.objects().forEach((name, node) -> profiles.put(name, profile(name, node)));
        String defaultProfile = top.requiredString("defaultProfile");
        if (!profiles.containsKey(defaultProfile)) {
            throw top.error("defaultProfile", "names no profile: \"" + defaultProfile + "\"; profiles: "
                    + String.join(", ", profiles.keySet()));
        }
        return new InjectionConfig(
                top.enumValue("policy", InjectionPolicyDefault.class, InjectionPolicyDefault.ENABLED),
                defaultProfile,
                top.enumValue("nativeSidecar", NativeSidecarMode.class, NativeSidecarMode.AUTO),
                top.bool("allowImageOverride", false),
                proxyLifecycle(top.object("proxyLifecycle")),
                top.strings("ignoredNamespaces"),
                profiles);
    }

    private static ProxyLifecycle proxyLifecycle(ConfigNode node) {
        ProxyLifecycle d = ProxyLifecycle.DEFAULT;
        if (node == null) {
            return d;
        }
        node.allowOnly(LIFECYCLE_FIELDS);
        String drain = node.string("terminationDrainDuration", null);
        int drainSeconds = drain == null ? d.terminationDrainSeconds() : ProxyLifecycle.durationSeconds(drain);
        if (drainSeconds < 0) {
            throw node.error(node.child("terminationDrainDuration"), "must be " + ProxyLifecycle.DURATION_ALLOWED
                    + ", got \"" + drain + "\"");
        }
        return new ProxyLifecycle(
                node.bool("holdApplicationUntilProxyStarts", d.holdApplicationUntilProxyStarts()),
                node.integer("holdTimeoutSeconds", d.holdTimeoutSeconds(), 1, ProxyLifecycle.MAX_HOLD_SECONDS),
                drainSeconds,
                node.integer("maxConcurrency", d.maxConcurrency(), 1, ProxyLifecycle.MAX_CONCURRENCY));
    }

    private static Profile profile(String name, ConfigNode node) {
        node.allowOnly(PROFILE_FIELDS);
        String pullPolicy = node.string("imagePullPolicy", "IfNotPresent");
        if (!PULL_POLICIES.contains(pullPolicy)) {
            throw node.error(node.child("imagePullPolicy"), "must be one of Always, IfNotPresent, Never, got \""
                    + pullPolicy + "\"");
        }
        ProxyFlavor flavor = node.enumValue("flavor", ProxyFlavor.class, ProxyFlavor.ENVOY);
        ConfigNode meshNode = node.object("mesh");
        if (meshNode != null && flavor != ProxyFlavor.ISTIO) {
            throw node.error(node.child("mesh"), "only a profile of flavor istio joins a mesh");
        }
        return new Profile(name,
                flavor,
                node.requiredString("proxyImage"),
                node.requiredString("initImage"),
                pullPolicy,
                resources(node.object("resources")),
                resources(node.object("initResources")),
                traffic(node.object("traffic")),
                flavor == ProxyFlavor.ISTIO ? mesh(meshNode) : null);
    }

    private static MeshSettings mesh(ConfigNode node) {
        MeshSettings d = MeshSettings.defaults();
        if (node == null) {
            return d;
        }
        node.allowOnly(MESH_FIELDS);
        String revision = node.string("revision", d.revision());
        if (!revision.isEmpty() && !revision.equals("default") && !DNS_LABEL.matcher(revision).matches()) {
            throw node.error(node.child("revision"), "must be a revision name (a DNS label: lower-case letters, "
                    + "digits and '-', at most 63), got \"" + revision + "\"");
        }
        String namespace = node.string("istioNamespace", d.istioNamespace());
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw node.error(node.child("istioNamespace"), "must be a namespace name, got \"" + namespace + "\"");
        }
        String caAddress = node.string("caAddress", null);
        if (caAddress != null && !HOST_PORT.matcher(caAddress).matches()) {
            throw node.error(node.child("caAddress"), "must be HOST:PORT, got \"" + caAddress + "\"");
        }
        String trustDomain = node.string("trustDomain", d.trustDomain());
        if (trustDomain.length() > 253 || !Arrays.stream(trustDomain.split("\\.", -1))
                .allMatch(part -> DNS_LABEL.matcher(part).matches())) {
            throw node.error(node.child("trustDomain"), "must be a DNS name such as cluster.local, got \""
                    + trustDomain + "\"");
        }
        return new MeshSettings(revision.equals("default") ? "" : revision, namespace, caAddress, trustDomain,
                plainId(node, "clusterID", d.clusterId()), plainId(node, "meshID", d.meshId()),
                node.bool("rewriteAppProbers", d.rewriteAppProbers()),
                node.enumValue("serviceAttributeEnrichment", ServiceAttributeEnrichment.class, d.serviceAttributeEnrichment()));
    }

    private static String plainId(ConfigNode node, String field, String fallback) {
        String value = node.string(field, fallback);
        if (value != null && !PLAIN_ID.matcher(value).matches()) {
            throw node.error(node.child(field), "must be letters, digits, '-', '_' or '.', at most 253, got \""
                    + value + "\"");
        }
        return value;
    }

    private static Resources resources(ConfigNode node) {
        if (node == null) {
            return new Resources(Map.of(), Map.of());
        }
        node.allowOnly(RESOURCE_FIELDS);
        return new Resources(quantities(node.object("requests")), quantities(node.object("limits")));
    }

    private static Map<String, String> quantities(ConfigNode node) {
        if (node == null) {
            return Map.of();
        }
        node.allowOnly(RESOURCE_NAMES);
        Map<String, String> out = new LinkedHashMap<>();
        for (String resource : node.fieldNames()) {
            String value = node.string(resource, null);
            if (!Quantity.isValid(value)) {
                throw node.error(node.child(resource), "must be " + Quantity.ALLOWED + ", got \"" + value + "\"");
            }
            out.put(resource, value);
        }
        return out;
    }

    private static TrafficDefaults traffic(ConfigNode node) {
        TrafficDefaults d = TrafficDefaults.istio();
        if (node == null) {
            return d;
        }
        node.allowOnly(TRAFFIC_FIELDS);
        String mode = node.string("interceptionMode", d.interceptionMode());
        if (!mode.equals("REDIRECT") && !mode.equals("TPROXY")) {
            throw node.error(node.child("interceptionMode"), "must be REDIRECT or TPROXY, got \"" + mode + "\"");
        }
        TrafficDefaults traffic = new TrafficDefaults(
                node.port("proxyPort", d.proxyPort()),
                node.port("inboundCapturePort", d.inboundCapturePort()),
                node.port("inboundTunnelPort", d.inboundTunnelPort()),
                node.id("proxyUID", d.proxyUid()),
                node.id("proxyGID", d.proxyGid()),
                mode,
                node.string("includeOutboundIPRanges", d.includeOutboundIPRanges()),
                node.string("excludeOutboundIPRanges", d.excludeOutboundIPRanges()),
                node.string("includeInboundPorts", d.includeInboundPorts()),
                node.string("excludeInboundPorts", d.excludeInboundPorts()),
                node.string("includeOutboundPorts", d.includeOutboundPorts()),
                node.string("excludeOutboundPorts", d.excludeOutboundPorts()),
                node.string("excludeInterfaces", d.excludeInterfaces()),
                node.string("kubevirtInterfaces", d.kubevirtInterfaces()),
                node.bool("redirectDNS", d.redirectDns()),
                node.bool("dropInvalid", d.dropInvalid()));
        try {
            TrafficSettings.resolve(traffic, Map.of());
        } catch (InvalidAnnotationException e) {
            // The traffic fields are named after the annotations that override them.
            String field = e.key().substring(e.key().lastIndexOf('/') + 1);
            throw node.error(node.child(field), "must be " + e.allowed() + ", got \"" + e.value() + "\"");
        }
        return traffic;
    }
}
