package dev.kubectlsidecar.cli.cluster;

import tools.jackson.databind.JsonNode;

/**
 * How far a Deployment's, StatefulSet's or DaemonSet's rollout is, read from its status as
 * {@code kubectl rollout status} reads it.
 *
 * @param done every pod is of the current template and available
 * @param text where it stands, e.g. {@code 1 of 2 updated, 0 available}
 * @param failure why it will not finish (a Deployment's progress deadline exceeded), or null
 * @param trouble what holds it up and may clear (a pod the API server refuses: a webhook down, a quota), or null;
 *                said when the wait times out
 */
record RolloutProgress(boolean done, String text, String failure, String trouble) {

    static RolloutProgress of(JsonNode workload) {
        JsonNode status = workload.path("status");
        boolean observed = status.path("observedGeneration").asLong(0) >= workload.path("metadata").path("generation").asLong(0);
        return switch (workload.path("kind").asString("")) {
            case "Deployment" -> deployment(workload, status, observed);
            case "StatefulSet" -> statefulSet(workload, status, observed);
            case "DaemonSet" -> daemonSet(status, observed);
            default -> throw new IllegalArgumentException("not restartable: " + workload.path("kind").asString(""));
        };
    }

    private static RolloutProgress deployment(JsonNode workload, JsonNode status, boolean observed) {
        int wanted = workload.path("spec").path("replicas").asInt(1);
        int updated = status.path("updatedReplicas").asInt(0);
        int total = status.path("replicas").asInt(0);
        int available = status.path("availableReplicas").asInt(0);
        String failure = null;
        String trouble = null;
        for (JsonNode condition : status.path("conditions")) {
            String type = condition.path("type").asString("");
            String said = condition.path("reason").asString("") + ": " + condition.path("message").asString("");
            if (type.equals("Progressing") && "ProgressDeadlineExceeded".equals(condition.path("reason").asString(""))) {
                failure = said;
            } else if (type.equals("ReplicaFailure") && "True".equals(condition.path("status").asString(""))) {
                trouble = said;
            }
        }
        boolean done = observed && updated >= wanted && total == updated && available >= updated;
        return new RolloutProgress(done, updated + " of " + wanted + " updated, " + available + " available"
                + (total > updated ? ", " + (total - updated) + " old" : ""), done ? null : failure, trouble);
    }

    private static RolloutProgress statefulSet(JsonNode workload, JsonNode status, boolean observed) {
        int wanted = workload.path("spec").path("replicas").asInt(1);
        int updated = status.path("updatedReplicas").asInt(0);
        int ready = status.path("readyReplicas").asInt(0);
        boolean revised = status.path("updateRevision").asString("").equals(status.path("currentRevision").asString(""));
        boolean done = observed && updated >= wanted && ready >= wanted && revised;
        return new RolloutProgress(done, updated + " of " + wanted + " updated, " + ready + " ready", null, null);
    }

    private static RolloutProgress daemonSet(JsonNode status, boolean observed) {
        int wanted = status.path("desiredNumberScheduled").asInt(0);
        int updated = status.path("updatedNumberScheduled").asInt(0);
        int available = status.path("numberAvailable").asInt(0);
        boolean done = observed && updated >= wanted && available >= wanted;
        return new RolloutProgress(done, updated + " of " + wanted + " updated, " + available + " available", null, null);
    }
}
