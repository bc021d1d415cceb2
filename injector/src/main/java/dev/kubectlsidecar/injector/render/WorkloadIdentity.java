package dev.kubectlsidecar.injector.render;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The workload a pod belongs to, as istiod names it for the proxy ({@code ISTIO_META_WORKLOAD_NAME},
 * {@code ISTIO_META_OWNER}) and for its canonical service: Istio's {@code DeploymentMeta} and {@code TypeMeta}.
 *
 * @param apiVersion empty when unknown
 * @param name empty when unknown
 * @param namespace empty when the manifest names none
 */
public record WorkloadIdentity(String apiVersion, String kind, String name, String namespace) {
    private static final Pattern CRON_JOB_RUN = Pattern.compile("(.+)-\\d{8,10}");

    public WorkloadIdentity {
        apiVersion = apiVersion == null ? "" : apiVersion;
        kind = kind == null ? "" : kind;
        name = name == null ? "" : name;
        namespace = namespace == null ? "" : namespace;
    }

    /**
     * A pod's workload as Istio's {@code GetDeployMetaFromPod} guesses it: a generated pod's controller, with a
     * ReplicaSet's pod-template hash taken off (a Deployment's), a DeploymentConfig's RC and a CronJob's run named
     * after their owner; otherwise the pod itself.
     */
    public static WorkloadIdentity ofPod(JsonNode pod) {
        JsonNode metadata = pod.path("metadata");
        String name = metadata.path("name").asString("");
        String namespace = metadata.path("namespace").asString("");
        if (metadata.path("generateName").asString("").isEmpty()) {
            return new WorkloadIdentity("v1", "Pod", name, namespace);
        }
        for (JsonNode owner : metadata.path("ownerReferences")) {
            if (!owner.path("controller").asBoolean(false)) {
                continue;
            }
            String kind = owner.path("kind").asString("");
            String apiVersion = owner.path("apiVersion").asString("");
            String ownerName = owner.path("name").asString("");
            JsonNode labels = metadata.path("labels");
            String hash = labels.path("pod-template-hash").asString("");
            String rolloutHash = labels.path("rollouts-pod-template-hash").asString("");
            if (kind.equals("ReplicaSet") && !hash.isEmpty() && ownerName.endsWith(hash)) {
                return new WorkloadIdentity(apiVersion, "Deployment", trimSuffix(ownerName, "-" + hash), namespace);
            }
            if (kind.equals("ReplicaSet") && !rolloutHash.isEmpty() && ownerName.endsWith(rolloutHash)) {
                return new WorkloadIdentity("v1alpha1", "Rollout", trimSuffix(ownerName, "-" + rolloutHash), namespace);
            }
            if (kind.equals("ReplicationController") && !labels.path("deploymentconfig").asString("").isEmpty()) {
                return new WorkloadIdentity(apiVersion, "DeploymentConfig", labels.path("deploymentconfig").asString(),
                        namespace);
            }
            Matcher run = CRON_JOB_RUN.matcher(ownerName);
            if (kind.equals("Job") && run.matches()) {
                return new WorkloadIdentity("batch/v1", "CronJob", run.group(1), namespace);
            }
            return new WorkloadIdentity(apiVersion, kind, ownerName, namespace);
        }
        return new WorkloadIdentity("v1", "Pod", name, namespace);
    }

    /** {@code ISTIO_META_OWNER}; null when the template would leave it out (no apiVersion or name). */
    String owner() {
        if (apiVersion.isEmpty() || name.isEmpty()) {
            return null;
        }
        return "kubernetes://apis/" + apiVersion + "/namespaces/" + (namespace.isEmpty() ? "default" : namespace)
                + "/" + kind.toLowerCase(Locale.ROOT) + "s/" + name;
    }

    private static String trimSuffix(String text, String suffix) {
        return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
    }
}
