package dev.kubectlsidecar.testkit.admission;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import dev.kubectlsidecar.testkit.api.ObjectDefaults;
import dev.kubectlsidecar.testkit.api.ObjectStore;
import dev.kubectlsidecar.testkit.api.RequestHandler;
import dev.kubectlsidecar.testkit.api.Requests;
import dev.kubectlsidecar.testkit.api.ResourcePath;
import dev.kubectlsidecar.testkit.api.Responses;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutating admission for pod CREATE, as the API server runs it: every stored MutatingWebhookConfiguration (by
 * name), each webhook in order, matched by rules, namespaceSelector (the Namespace's labels) and objectSelector
 * (the pod's labels as mutated so far); the returned JSON Patch is applied before the next webhook is asked. A
 * webhook that cannot be called fails the create (failurePolicy Fail) or is skipped (Ignore); a denial rejects it.
 * Dry-run creates ({@code ?dryRun=All}) are admitted the same way and answered without storing anything.
 * Limits: one pass only ({@code reinvocationPolicy: IfNeeded} is not re-run), {@code matchConditions} are not
 * evaluated (a webhook that has them is treated as matching), and only pods are admitted.
 */
public final class PodAdmission implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(PodAdmission.class.getName());
    private static final String CONFIGURATIONS = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

    private final ObjectStore store;
    private final WebhookClient client;

    public PodAdmission(ObjectStore store, WebhookClient client) {
        this.store = store;
        this.client = client;
    }

    @Override
    public Optional<MockResponse> handle(RecordedRequest request, ResourcePath path) {
        if (!request.getMethod().equals("POST") || !path.is("", "pods") || !path.isCollection()
                || path.namespace() == null) {
            return Optional.empty();
        }
        Optional<ObjectNode> body = Requests.jsonObject(request);
        if (body.isEmpty()) {
            return Optional.of(Responses.status(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: application/json"));
        }
        ObjectNode pod = body.get();
        ObjectNode metadata = Json.objectAt(pod, "metadata");
        String namespace = Json.text(metadata, "namespace");
        if (namespace != null && !namespace.equals(path.namespace())) {
            return Optional.of(Responses.status(400, "BadRequest",
                    "the namespace of the provided object does not match the namespace sent on the request"));
        }
        metadata.put("namespace", path.namespace());
        return Optional.of(admit(request, path, pod));
    }

    private MockResponse admit(RecordedRequest request, ResourcePath path, ObjectNode pod) {
        Map<String, String> namespaceLabels = store.get("/api/v1/namespaces/" + path.namespace())
                .map(LabelSelector::labels).orElseGet(Map::of);
        List<String> warnings = new ArrayList<>();
        ObjectNode admitted = pod;
        for (Webhook webhook : webhooks()) {
            if (!webhook.coversRequest("CREATE", "", "v1", "pods", true)) {
                continue;
            }
            if (path.dryRun() && !webhook.dryRunSafe() && selectsQuietly(webhook, namespaceLabels, admitted)) {
                return Responses.status(400, "BadRequest",
                        "admission webhook \"" + webhook.name() + "\" does not support dry run");
            }
            try {
                if (!webhook.selects(namespaceLabels, LabelSelector.labels(admitted))) {
                    continue;
                }
                AdmissionReviews.Verdict verdict = ask(webhook, admitted, path);
                warnings.addAll(verdict.warnings());
                if (!verdict.allowed()) {
                    return withWarnings(denied(webhook, verdict), warnings);
                }
                if (verdict.patch() != null) {
                    admitted = patched(admitted, verdict.patch());
                }
            } catch (WebhookCallError | IllegalArgumentException e) {
                String message = "failed calling webhook \"" + webhook.name() + "\": " + e.getMessage();
                if (!webhook.failOpen()) {
                    return Responses.status(500, "InternalError", "Internal error occurred: " + message);
                }
                LOG.log(Level.INFO, message + " (failurePolicy Ignore: admitted without it)");
            } catch (PatchFailure e) {
                return Responses.status(500, "InternalError", "Internal error occurred: " + e.getMessage());
            }
        }
        ObjectDefaults.generateName(admitted);
        MockResponse response = path.dryRun()
                ? Responses.json(201, ObjectDefaults.asStored(admitted))
                : store.handle(Requests.withBody(request, admitted));
        return withWarnings(response, warnings);
    }

    private List<Webhook> webhooks() {
        List<Webhook> out = new ArrayList<>();
        store.list(CONFIGURATIONS).stream()
                .sorted(Comparator.comparing(c -> c.path("metadata").path("name").asString()))
                .forEach(c -> c.path("webhooks").forEach(spec ->
                        out.add(new Webhook(c.path("metadata").path("name").asString(), spec))));
        return out;
    }

    private AdmissionReviews.Verdict ask(Webhook webhook, ObjectNode pod, ResourcePath path) throws WebhookCallError {
        if (!webhook.acceptsV1Reviews()) {
            throw new WebhookCallError("could not create admission objects: webhook does not accept "
                    + AdmissionReviews.API_VERSION + " AdmissionReviews");
        }
        if (webhook.spec().has("matchConditions")) {
            LOG.log(Level.WARNING, webhook.where("matchConditions") + " are not evaluated here: treated as matching");
        }
        String uid = UUID.randomUUID().toString();
        JsonNode answer = client.call(webhook, AdmissionReviews.request(uid, pod.deepCopy(), path.namespace(),
                path.dryRun()));
        return AdmissionReviews.verdict(answer, uid);
    }

    private static boolean selectsQuietly(Webhook webhook, Map<String, String> namespaceLabels, ObjectNode pod) {
        try {
            return webhook.selects(namespaceLabels, LabelSelector.labels(pod));
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** The API server's rejection for {@code allowed: false}, keeping the webhook's code and reason. */
    private static MockResponse denied(Webhook webhook, AdmissionReviews.Verdict verdict) {
        String deniedBy = "admission webhook \"" + webhook.name() + "\" denied the request";
        String message = verdict.message() != null && !verdict.message().isEmpty() ? deniedBy + ": " + verdict.message()
                : verdict.reason() != null && !verdict.reason().isEmpty() ? deniedBy + ": " + verdict.reason()
                : deniedBy + " without explanation";
        return Responses.status(verdict.code(), verdict.reason(), message);
    }

    private static ObjectNode patched(ObjectNode pod, String patchText) throws PatchFailure {
        try {
            JsonNode patch = JsonMappers.JSON.readTree(patchText);
            JsonNode result = JsonPatches.apply(patch, pod);
            if (!(result instanceof ObjectNode object)) {
                throw new PatchFailure("the JSON Patch did not leave an object");
            }
            return object;
        } catch (RuntimeException e) {
            throw new PatchFailure(e.getMessage());
        }
    }

    private static MockResponse withWarnings(MockResponse response, List<String> warnings) {
        for (String warning : warnings) {
            response.addHeader("Warning", "299 - \"" + warning.replace("\"", "'") + "\"");
        }
        return response;
    }

    /** A returned patch that cannot be applied: the API server rejects the create whatever the failurePolicy. */
    private static final class PatchFailure extends Exception {
        PatchFailure(String message) {
            super(message);
        }
    }
}
