package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.manifest.ManifestInjector.WorkloadPod;
import dev.kubectlsidecar.injector.manifest.ManifestInjector;
import dev.kubectlsidecar.injector.manifest.ManifestReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AdmissionReviews of the agent's mixed load ({@code bench/load/run-agent-load.sh}): one pod CREATE per
 * workload of the example manifests and of the first {@value #APPLICATIONS} applications of {@link BigManifest}:
 * web and API pods with probes and volumes, StatefulSet, DaemonSet, Job and CronJob pods, and pods the policy
 * skips (opted out, host network). Each review is the pod a controller would send: the template with
 * {@code generateName}, in its namespace.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.kubectlsidecar.bench.ReviewMix DIR</pre>
 */
public final class ReviewMix {
    static final int APPLICATIONS = 3;
    private static final List<String> EXAMPLES = List.of("examples/shop.yaml", "examples/report-job.yaml",
            "examples/cleanup-cronjob.yaml", "examples/node-agent-daemonset.yaml");

    private ReviewMix() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ReviewMix DIR");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        List<ObjectNode> reviews = reviews();
        for (int i = 0; i < reviews.size(); i++) {
            Files.write(dir.resolve("review-%02d.json".formatted(i)), JsonMappers.JSON.writeValueAsBytes(reviews.get(i)));
        }
        System.out.println(reviews.size() + " reviews in " + dir);
    }

    static List<ObjectNode> reviews() {
        ManifestInjector manifests = new ManifestInjector(new InjectionEngine(ConfigLoader.embeddedDefault()),
                PodRequest.offline("default"));
        List<WorkloadPod> pods = new ArrayList<>();
        for (String example : EXAMPLES) {
            pods.addAll(manifests.workloads(example, ManifestReader.read(example, RepoFiles.read(example))));
        }
        String big = BigManifest.manifest(APPLICATIONS * BigManifest.GROUP);
        pods.addAll(manifests.workloads("big.yaml", ManifestReader.read("big.yaml", big)));
        return pods.stream().map(ReviewMix::review).toList();
    }

    private static ObjectNode review(WorkloadPod workload) {
        String namespace = workload.namespace() == null ? "default" : workload.namespace();
        ObjectNode pod = workload.pod().deepCopy();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode metadata = pod.has("metadata") ? (ObjectNode) pod.get("metadata") : pod.putObject("metadata");
        metadata.put("generateName", workload.name() + "-");
        metadata.put("namespace", namespace);
        ObjectNode review = Json.object();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", UUID.nameUUIDFromBytes((namespace + "/" + workload.name()).getBytes()).toString());
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.put("namespace", namespace);
        request.put("operation", "CREATE");
        request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        request.set("object", pod);
        request.put("dryRun", false);
        return review;
    }
}
