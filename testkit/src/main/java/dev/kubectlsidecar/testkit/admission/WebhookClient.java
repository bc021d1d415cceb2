package dev.kubectlsidecar.testkit.admission;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.testkit.net.CallFailure;
import dev.kubectlsidecar.testkit.net.HttpCalls;
import dev.kubectlsidecar.testkit.net.ServiceRoutes;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Posts an AdmissionReview to a webhook as the API server does: to {@code clientConfig.url}, or to
 * {@code clientConfig.service} through the {@link ServiceRoutes}, over HTTPS that trusts only the webhook's
 * {@code caBundle} (none: nothing is trusted), within its {@code timeoutSeconds}.
 */
public final class WebhookClient {
    private final HttpCalls calls;
    private final ServiceRoutes routes;

    public WebhookClient(HttpCalls calls, ServiceRoutes routes) {
        this.calls = calls;
        this.routes = routes;
    }

    /** The webhook's answer, parsed. */
    JsonNode call(Webhook webhook, JsonNode review) throws WebhookCallError {
        Endpoint endpoint = endpoint(webhook);
        String post = "failed to call webhook: Post \"" + endpoint.display() + "\": ";
        if (endpoint.connectTo() == null) {
            throw new WebhookCallError(post + endpoint.unreachable());
        }
        HttpCalls.Trust roots;
        try {
            roots = roots(webhook.spec().path("clientConfig").path("caBundle").asString());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new WebhookCallError(post + "tls: failed to verify certificate: x509: unusable caBundle: " + e.getMessage());
        }
        HttpCalls.Reply reply;
        try {
            reply = calls.send(new HttpCalls.Call(HttpMethod.POST, endpoint.connectTo(), endpoint.serverName(),
                    endpoint.port(), endpoint.uri(), roots,
                    Map.of("Content-Type", "application/json", "Accept", "application/json"),
                    JsonMappers.JSON.writeValueAsBytes(review), webhook.timeout()));
        } catch (CallFailure e) {
            throw new WebhookCallError(post + e.getMessage());
        }
        String body = new String(reply.body(), StandardCharsets.UTF_8);
        if (reply.status() != 200) {
            throw new WebhookCallError("failed to call webhook: an error on the server (\"" + body.strip()
                    + "\") has prevented the request from succeeding (status " + reply.status() + ")");
        }
        try {
            return JsonMappers.JSON.readTree(body);
        } catch (JacksonException e) {
            throw new WebhookCallError("received invalid webhook response: " + e.getOriginalMessage());
        }
    }

    /**
     * Where a webhook is called.
     *
     * @param display the URL as the API server's messages show it
     * @param connectTo where to connect; null when the Service has no route ({@code unreachable} says why)
     */
    private record Endpoint(String display, ServiceRoutes.Target connectTo, String serverName, int port, String uri,
                            String unreachable) {
    }

    private Endpoint endpoint(Webhook webhook) throws WebhookCallError {
        JsonNode config = webhook.spec().path("clientConfig");
        String timeout = "timeout=" + webhook.timeout().toSeconds() + "s";
        String url = Json.text(config, "url");
        if (url != null) {
            URI parsed;
            try {
                parsed = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new WebhookCallError("failed to call webhook: invalid clientConfig.url \"" + url + "\"");
            }
            if (!"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
                throw new WebhookCallError("failed to call webhook: clientConfig.url \"" + url
                        + "\" is not an https:// URL with a host");
            }
            int port = parsed.getPort() < 0 ? 443 : parsed.getPort();
            String path = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath())
                    + (parsed.getRawQuery() == null ? "?" : "?" + parsed.getRawQuery() + "&") + timeout;
            return new Endpoint(url + (parsed.getRawQuery() == null ? "?" : "&") + timeout,
                    new ServiceRoutes.Target(parsed.getHost(), port), parsed.getHost(), port, path, null);
        }
        JsonNode service = config.path("service");
        String namespace = service.path("namespace").asString();
        String name = service.path("name").asString();
        int port = service.path("port").canConvertToInt() ? service.path("port").asInt() : 443;
        String path = service.hasNonNull("path") ? service.path("path").asString() : "/";
        String host = name + "." + namespace + ".svc";
        String uri = path + "?" + timeout;
        return new Endpoint("https://" + host + ":" + port + uri, routes.lookup(namespace, name).orElse(null),
                host, port, uri, "no endpoints available for service \"" + name + "\"");
    }

    /** The caBundle's certificates as the only trust roots. */
    private static HttpCalls.Trust roots(String caBundle) throws GeneralSecurityException {
        if (caBundle.isEmpty()) {
            return new HttpCalls.Trust.Nothing();
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        byte[] pem = Base64.getDecoder().decode(caBundle);
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in it");
        }
        int index = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return new HttpCalls.Trust.Roots(factory);
    }
}
