package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.tls.CertificateAuthority;
import dev.kubectlsidecar.agent.tls.Pem;
import dev.kubectlsidecar.agent.tls.ServingCertificate;
import dev.kubectlsidecar.agent.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link TlsMaterial} as a {@code kubernetes.io/tls} Secret: {@code tls.crt}/{@code tls.key} (serving),
 * {@code ca.crt}/{@code ca.key} (active CA), {@code next-ca.crt}/{@code next-ca.key} (only while a CA replacement is
 * under way) and {@code ca-bundle.crt} (what clients trust; CAs in it that are neither active nor next are the
 * retired ones). When the material last changed is the annotation {@value #CHANGED_AT}. The Secret is a generic
 * resource ({@link dev.kubectlsidecar.agent.GenericKinds#SECRETS}): its {@code data} a map of strings.
 */
final class TlsSecret {
    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String CA_CRT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final String NEXT_CA_CRT = "next-ca.crt";
    static final String NEXT_CA_KEY = "next-ca.key";
    static final String CA_BUNDLE = "ca-bundle.crt";
    static final String CHANGED_AT = "kubectl-sidecar.dev/tls-changed-at";

    private TlsSecret() {
    }

    static GenericKubernetesResource encode(String namespace, String name, TlsMaterial material) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TLS_CRT, base64(Pem.certificates(List.of(material.serving().certificate()))));
        data.put(TLS_KEY, base64(Pem.privateKey(material.serving().key())));
        data.put(CA_CRT, base64(material.active().certificatePem()));
        data.put(CA_KEY, base64(material.active().keyPem()));
        material.next().ifPresent(next -> {
            data.put(NEXT_CA_CRT, base64(next.certificatePem()));
            data.put(NEXT_CA_KEY, base64(next.keyPem()));
        });
        data.put(CA_BUNDLE, base64(material.bundlePem()));
        ObjectMeta metadata = new ObjectMeta();
        metadata.setNamespace(namespace);
        metadata.setName(name);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "kubectl-sidecar");
        labels.put("app.kubernetes.io/component", "agent");
        labels.put("app.kubernetes.io/managed-by", "kubectl-sidecar-agent");
        metadata.setLabels(labels);
        metadata.setAnnotations(new LinkedHashMap<>(Map.of(CHANGED_AT, material.changedAt().toString())));
        GenericKubernetesResource secret = new GenericKubernetesResource();
        secret.setApiVersion("v1");
        secret.setKind("Secret");
        secret.setMetadata(metadata);
        secret.setAdditionalProperty("type", "kubernetes.io/tls");
        secret.setAdditionalProperty("data", data);
        return secret;
    }

    /** The material in {@code secret}; {@link IllegalArgumentException} naming the key when it is not usable. */
    static TlsMaterial decode(GenericKubernetesResource secret) {
        Map<?, ?> data = data(secret);
        CertificateAuthority active = CertificateAuthority.fromPem(text(data, CA_CRT), text(data, CA_KEY), CA_CRT);
        Optional<CertificateAuthority> next = data.containsKey(NEXT_CA_CRT)
                ? Optional.of(CertificateAuthority.fromPem(text(data, NEXT_CA_CRT), text(data, NEXT_CA_KEY), NEXT_CA_CRT))
                : Optional.empty();
        List<X509Certificate> retired = Pem.parseCertificates(text(data, CA_BUNDLE), CA_BUNDLE).stream()
                .filter(ca -> !ca.equals(active.certificate()) && next.map(n -> !ca.equals(n.certificate())).orElse(true))
                .toList();
        ServingCertificate serving = ServingCertificate.fromPem(text(data, TLS_CRT), text(data, TLS_KEY), TLS_CRT);
        return new TlsMaterial(active, next, retired, serving, changedAt(secret));
    }

    private static Instant changedAt(GenericKubernetesResource secret) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(CHANGED_AT);
        if (value == null) {
            return Instant.EPOCH; // unknown: long ago; the publication time still guards every CA step
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("annotation " + CHANGED_AT + ": '" + value + "' is not an ISO-8601 instant", e);
        }
    }

    /** The Secret's {@code data}: base64 strings by key (empty when it has none). */
    static Map<?, ?> data(GenericKubernetesResource secret) {
        return secret.getAdditionalProperties().get("data") instanceof Map<?, ?> map ? map : Map.of();
    }

    /** The decoded text under {@code key}; {@link IllegalArgumentException} naming the key when absent or not base64. */
    static String text(Map<?, ?> data, String key) {
        Object found = data.get(key);
        if (found == null) {
            throw new IllegalArgumentException(key + ": missing");
        }
        if (!(found instanceof String value)) {
            throw new IllegalArgumentException(key + ": not a string");
        }
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": not base64: " + e.getMessage(), e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
