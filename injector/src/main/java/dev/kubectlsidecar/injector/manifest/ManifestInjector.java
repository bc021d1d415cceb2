package dev.kubectlsidecar.injector.manifest;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.errors.InvalidAnnotationException;
import dev.kubectlsidecar.injector.errors.MalformedPodException;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.policy.NamespaceInfo;
import dev.kubectlsidecar.injector.render.InjectionRecord;
import dev.kubectlsidecar.injector.render.WorkloadIdentity;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs every workload of a manifest through the engine: Pods, the pod templates of controllers, Jobs and
 * CronJobs, and the items of a {@code List}. Other kinds pass through unchanged; document order is kept.
 * Inputs are never modified; the result is built whole before anything is returned.
 */
public final class ManifestInjector {
    private final InjectionEngine engine;
    private final PodRequest request;

    /** @param request the context for every pod; its namespace is used when a resource names none */
    public ManifestInjector(InjectionEngine engine, PodRequest request) {
        this.engine = engine;
        this.request = request;
    }

    public record Result(List<JsonNode> documents, List<ResourceReport> reports) {
    }

    /** One pod (template) of a manifest, with the resource it belongs to. */
    public record WorkloadPod(String kind, String name, String namespace, ObjectNode pod) {
        public String subject() {
            return ManifestInjector.subject(kind, name);
        }
    }

    /** What is done to each workload's pod; returns the resource (changed or not). */
    private interface PodStep {
        ObjectNode apply(ObjectNode resource, String kind, String name, ObjectNode pod, List<ResourceReport> reports);
    }

    public Result inject(String source, List<Document> documents) {
        return run(source, documents, this::injectInto);
    }

    public Result uninject(String source, List<Document> documents) {
        return run(source, documents, this::uninjectFrom);
    }

    /** Every workload's pod, Lists flattened, in document order; the documents are not changed. */
    public List<WorkloadPod> workloads(String source, List<Document> documents) {
        List<WorkloadPod> pods = new ArrayList<>();
        run(source, documents, (resource, kind, name, pod, reports) -> {
            pods.add(new WorkloadPod(kind, name, namespaceOf(resource), pod));
            return resource;
        });
        return pods;
    }

    private Result run(String source, List<Document> documents, PodStep step) {
        List<JsonNode> out = new ArrayList<>();
        List<ResourceReport> reports = new ArrayList<>();
        for (Document document : documents) {
            ObjectNode copy = (ObjectNode) document.tree().deepCopy();
            try {
                out.add(resource(copy, step, reports));
                warnAboutMissingType(document, copy, reports);
            } catch (InvalidAnnotationException | MalformedPodException e) {
                throw new ManifestException(source, document.number(), document.line(), e.getMessage());
            }
        }
        return new Result(out, reports);
    }

    /**
     * A document without {@code kind} is no Kubernetes object, and a workload without {@code apiVersion} is one
     * kubectl cannot apply: both pass through, with a warning naming the document rather than in silence.
     */
    private static void warnAboutMissingType(Document document, ObjectNode resource, List<ResourceReport> reports) {
        String missing = Json.text(resource, "kind") == null ? "kind"
                : Workload.isWorkload(Json.text(resource, "kind")) && Json.text(resource, "apiVersion") == null
                ? "apiVersion" : null;
        if (missing == null || reports.isEmpty()) {
            return;
        }
        String where = "document " + document.number() + " (line " + document.line() + ") has no " + missing;
        String warning = missing.equals("kind") ? where + ": not a Kubernetes object, passed through as it is"
                : where + ": kubectl will not apply it until it names one";
        ResourceReport last = reports.remove(reports.size() - 1);
        List<String> warnings = new ArrayList<>(last.warnings());
        warnings.add(warning);
        reports.add(new ResourceReport(last.kind(), last.name(), last.outcome(), last.detail(), warnings));
    }

    private ObjectNode resource(ObjectNode resource, PodStep step, List<ResourceReport> reports) {
        String kind = Json.text(resource, "kind");
        String name = Json.text(resource.path("metadata"), "name");
        if (kind != null && kind.endsWith("List") && resource.get("items") instanceof ArrayNode items) {
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof ObjectNode item) {
                    items.set(i, resource(item, step, reports));
                }
            }
            return resource;
        }
        if (!Workload.isWorkload(kind)) {
            reports.add(new ResourceReport(kind, name, ResourceReport.Outcome.NOT_A_WORKLOAD, null, List.of()));
            return resource;
        }
        ObjectNode pod = Workload.pod(resource, kind);
        if (pod == null) {
            throw new MalformedPodException(subject(kind, name) + ": " + Workload.podPath(kind),
                    "missing: a " + kind + " needs its pod template there");
        }
        try {
            return step.apply(resource, kind, name, pod, reports);
        } catch (MalformedPodException e) {
            String prefix = Workload.podPath(kind);
            throw new MalformedPodException(subject(kind, name) + ": " + (prefix.isEmpty() ? "" : prefix + ".")
                    + e.field(), e.problem());
        } catch (InvalidAnnotationException e) {
            throw new MalformedPodException(subject(kind, name), e.getMessage());
        }
    }

    private String namespaceOf(ObjectNode resource) {
        String namespace = Json.text(resource.path("metadata"), "namespace");
        return namespace == null ? request.namespace().name() : namespace;
    }

    static String subject(String kind, String name) {
        return kind.toLowerCase(java.util.Locale.ROOT) + "/" + (name == null ? "<unnamed>" : name);
    }

    private ObjectNode injectInto(ObjectNode resource, String kind, String name, ObjectNode pod,
                                  List<ResourceReport> reports) {
        String namespace = namespaceOf(resource);
        PodRequest podRequest = namespace.equals(request.namespace().name()) ? request
                : new PodRequest(NamespaceInfo.unlabelled(namespace), request.nativeSidecarMode(),
                        request.kubeVersion());
        PodInjection result = engine.inject(pod, podRequest, kind.equals("Pod") ? null
                : new WorkloadIdentity(Json.text(resource, "apiVersion"), kind, name, Json.text(resource.path("metadata"), "namespace")));
        Workload.replacePod(resource, kind, result.pod());
        reports.add(result.injected()
                ? new ResourceReport(kind, name, ResourceReport.Outcome.INJECTED, null, result.warnings())
                : new ResourceReport(kind, name, ResourceReport.Outcome.SKIPPED, result.decision().summary(), List.of()));
        return resource;
    }

    private ObjectNode uninjectFrom(ObjectNode resource, String kind, String name, ObjectNode pod,
                                    List<ResourceReport> reports) {
        if (InjectionRecord.read(pod).isEmpty()) {
            reports.add(new ResourceReport(kind, name, ResourceReport.Outcome.UNCHANGED, "no sidecar", List.of()));
            return resource;
        }
        Workload.replacePod(resource, kind, engine.uninject(pod));
        reports.add(new ResourceReport(kind, name, ResourceReport.Outcome.UNINJECTED, null, List.of()));
        return resource;
    }
}
