package dev.kubectlsidecar.cli.cluster;

import dev.kubectlsidecar.cli.support.UserError;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cert-manager issuer {@code install --cert-manager} names: {@code NAME} (an Issuer in the agent's namespace),
 * {@code Issuer/NAME} or {@code ClusterIssuer/NAME} (kinds as kubectl takes them, in any case). Only cert-manager's
 * own group: external issuers are named through a ClusterIssuer of theirs or not at all.
 */
record CertManagerIssuer(String kind, String name) {
    static final String GROUP = "cert-manager.io";
    static final String API_VERSION = GROUP + "/v1";

    static CertManagerIssuer parse(String flag, String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        String kind = slash < 0 ? "Issuer" : switch (text.substring(0, slash).toLowerCase(Locale.ROOT)) {
            case "issuer" -> "Issuer";
            case "clusterissuer" -> "ClusterIssuer";
            default -> throw new UserError("invalid " + flag + " \"" + text + "\": the kind is Issuer or ClusterIssuer (NAME, Issuer/NAME or ClusterIssuer/NAME)");
        };
        String name = text.substring(slash + 1);
        if (!name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw new UserError("invalid " + flag + " \"" + text + "\": name an issuer (a lowercase DNS subdomain): NAME, Issuer/NAME or ClusterIssuer/NAME");
        }
        return new CertManagerIssuer(kind, name);
    }

    /** The issuer a Certificate's {@code spec.issuerRef} names, or null when it names none of cert-manager's. */
    static CertManagerIssuer of(JsonNode certificate) {
        JsonNode ref = certificate.at("/spec/issuerRef");
        String group = ref.path("group").asString(GROUP);
        String kind = ref.path("kind").asString("Issuer");
        if (!GROUP.equals(group) || !kind.equals("Issuer") && !kind.equals("ClusterIssuer") || ref.path("name").asString("").isEmpty()) {
            return null;
        }
        return new CertManagerIssuer(kind, ref.path("name").asString());
    }

    boolean clusterScoped() {
        return kind.equals("ClusterIssuer");
    }

    void applyTo(ObjectNode certificate) {
        ((ObjectNode) certificate.at("/spec/issuerRef")).put("group", GROUP).put("kind", kind).put("name", name);
    }

    /** {@code Issuer kubectl-sidecar/ca} or {@code ClusterIssuer ca}. */
    String describe() {
        return kind + " " + (clusterScoped() ? "" : AgentNames.NAMESPACE + "/") + name;
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}
