package dev.kubectlsidecar.agent.cluster;

import dev.kubectlsidecar.agent.http.ReadAuthorizer;
import dev.kubectlsidecar.agent.metrics.AgentMetrics;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads allowed to callers whose credentials allow listing pods, as kube-rbac-proxy decides it: the bearer token
 * (from {@value ReadAuthorizer#TOKEN_HEADER}, which the API server's service proxy forwards, or from
 * {@code Authorization} for a caller that reaches the Service directly) goes to a TokenReview; the user it names goes
 * to a SubjectAccessReview for {@code list pods} in the namespace asked (every namespace for a cluster-wide read).
 * Decisions are kept {@link #CACHE_FOR} by a digest of the token (never the token itself), so a busy
 * {@code status --watch} costs the API server two calls per interval, not per read; at most {@link #MAX_PENDING}
 * checks run or wait at once, so a flood of made-up tokens cannot queue work without bound (429 beyond that).
 */
public final class TokenReviewAuthorizer implements ReadAuthorizer {
    static final Duration CACHE_FOR = Duration.ofSeconds(10);
    static final int MAX_CACHED = 1024;
    static final int MAX_PENDING = 16;
    /** A token longer than this is not a Kubernetes token (service account JWTs are ~1 KB); never sent on. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private record Decision(Verdict verdict, long expiresNanos) {
    }

    private final KubernetesClient client;
    private final WorkerExecutor checks;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, Decision> decisions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private final AgentMetrics metrics;

    public TokenReviewAuthorizer(KubernetesClient client, Vertx vertx, AgentMetrics metrics) {
        this.client = client;
        this.checks = vertx.createSharedWorkerExecutor("read-authorization", 1);
        this.metrics = metrics;
    }

    @Override
    public Future<Verdict> authorize(HttpServerRequest request, String namespace) {
        String token = token(request);
        if (token == null) {
            return refused("unauthenticated", new Verdict(401, "send a bearer token of a user allowed to list pods"
                    + (namespace == null ? " in every namespace" : " in namespace " + namespace) + ", in the "
                    + TOKEN_HEADER + " header (through the API server's service proxy) or in Authorization"));
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused("unauthenticated", new Verdict(401, "the bearer token is longer than " + MAX_TOKEN_CHARS
                    + " characters"));
        }
        String key = digest(token) + "/" + (namespace == null ? "" : namespace);
        Decision cached;
        synchronized (decisions) {
            cached = decisions.get(key);
        }
        if (cached != null && cached.expiresNanos() - System.nanoTime() > 0) {
            return count(cached.verdict());
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            return refused("busy", new Verdict(429, "too many reads are being authorized at once; retry"));
        }
        return checks.executeBlocking(() -> check(token, namespace), false)
                .andThen(done -> pending.decrementAndGet())
                .map(verdict -> {
                    if (verdict.status() != 503) {
                        synchronized (decisions) {
                            decisions.put(key, new Decision(verdict, System.nanoTime() + CACHE_FOR.toNanos()));
                        }
                    }
                    return verdict;
                })
                .compose(this::count);
    }

    /** Runs on the worker: the TokenReview, then the SubjectAccessReview. */
    private Verdict check(String token, String namespace) {
        try {
            TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec()
                    .build()).create();
            if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
                return new Verdict(401, "the bearer token was not accepted by the API server's TokenReview");
            }
            UserInfo user = review.getStatus().getUser();
            SubjectAccessReview access = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(user.getUsername()).withUid(user.getUid())
                    .withGroups(user.getGroups() == null ? List.of() : user.getGroups())
                    .withExtra(user.getExtra() == null ? Map.of() : user.getExtra())
                    .withNewResourceAttributes().withVerb("list").withGroup("").withVersion("v1")
                    .withResource("pods").withNamespace(namespace == null ? "" : namespace).endResourceAttributes()
                    .endSpec().build()).create();
            if (access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed())) {
                return Verdict.ALLOWED;
            }
            return new Verdict(403, "user \"" + user.getUsername() + "\" may not list pods "
                    + (namespace == null ? "in every namespace" : "in namespace " + namespace));
        } catch (KubernetesClientException e) {
            return new Verdict(503, "cannot check the caller's access with the API server: HTTP " + e.getCode());
        }
    }

    private Future<Verdict> count(Verdict verdict) {
        if (!verdict.allowed()) {
            metrics.readsRefused(verdict.status() == 401 ? "unauthenticated" : verdict.status() == 403 ? "forbidden"
                    : "unavailable").increment();
        }
        return Future.succeededFuture(verdict);
    }

    private Future<Verdict> refused(String reason, Verdict verdict) {
        metrics.readsRefused(reason).increment();
        return Future.succeededFuture(verdict);
    }

    /** The bearer token from our header, else from Authorization; null without one. */
    static String token(HttpServerRequest request) {
        for (String header : List.of(TOKEN_HEADER, HttpHeaders.AUTHORIZATION.toString())) {
            String value = request.getHeader(header);
            if (value != null && value.regionMatches(true, 0, "Bearer ", 0, 7) && !value.substring(7).isBlank()) {
                return value.substring(7).strip();
            }
        }
        return null;
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
