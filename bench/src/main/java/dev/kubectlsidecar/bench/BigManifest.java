package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import dev.kubectlsidecar.injector.render.SidecarParts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates the manifest of the 1 000-document {@code inject} vs {@code kubectl kustomize} comparison, and the
 * matching kustomization:
 * <ul>
 *   <li>{@code DIR/big.yaml}: groups of ten documents, one application each: two Deployments, a StatefulSet, a Job
 *       (a DaemonSet in every other group) and a CronJob, with their Services, a ConfigMap and a ServiceAccount;
 *       half the documents are workloads, all injected;</li>
 *   <li>{@code DIR/kustomize/}: a kustomization of a copy of {@code big.yaml} whose strategic-merge patches add to
 *       every workload (targets by kind) the sidecar parts the engine adds, taken from a real injection: the same
 *       {@code istio-init} with its script, {@code istio-proxy} with its bootstrap, volume and annotations.</li>
 * </ul>
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.kubectlsidecar.bench.BigManifest DIR [DOCUMENTS]</pre>
 */
public final class BigManifest {
    static final int GROUP = 10;
    private static final String POD_TEMPLATE_KINDS = "Deployment|StatefulSet|DaemonSet|Job";

    private BigManifest() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BigManifest DIR [DOCUMENTS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = args.length == 2 ? Integer.parseInt(args[1]) : 1000;
        Path kustomize = Files.createDirectories(dir.resolve("kustomize"));
        String manifest = manifest(count);
        write(dir.resolve("big.yaml"), manifest);
        write(kustomize.resolve("big.yaml"), manifest);
        write(kustomize.resolve("pod-template-patch.yaml"), JsonMappers.YAML.writeValueAsString(patch(false)));
        write(kustomize.resolve("cronjob-patch.yaml"), JsonMappers.YAML.writeValueAsString(patch(true)));
        write(kustomize.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                - big.yaml
                patches:
                - path: pod-template-patch.yaml
                  target:
                    kind: %s
                - path: cronjob-patch.yaml
                  target:
                    kind: CronJob
                """.formatted(POD_TEMPLATE_KINDS));
    }

    /** {@code count} documents, {@link #GROUP} per application, the last group cut short. */
    static String manifest(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("---\n").append(document(i / GROUP, i % GROUP));
        }
        return out.toString();
    }

    private static String document(int app, int slot) {
        String name = "app" + app;
        return switch (slot) {
            case 0 -> deployment(name + "-api", 3, apiPod(name));
            case 1 -> service(name + "-api", 8080, false);
            case 2 -> configMap(name);
            case 3 -> "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n  labels:\n    app.kubernetes.io/part-of: "
                    + name + "\n";
            case 4 -> deployment(name + "-web", 2, webPod(name));
            case 5 -> service(name + "-web", 80, false);
            case 6 -> statefulSet(name + "-db");
            case 7 -> service(name + "-db", 5432, true);
            case 8 -> app % 2 == 0 ? job(name + "-migrate") : daemonSet(name + "-agent");
            default -> cronJob(name + "-report");
        };
    }

    private static String apiPod(String app) {
        return """
                metadata:
                  labels: {app: %1$s-api, app.kubernetes.io/part-of: %1$s}
                  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9102"}
                spec:
                  serviceAccountName: %1$s
                  securityContext: {runAsNonRoot: true, runAsUser: 10001, fsGroup: 2000}
                  containers:
                  - name: api
                    image: ghcr.io/example/%1$s-api:2.4.1
                    args: [--config, /etc/api/config.yaml]
                    ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}]
                    env:
                    - {name: DATABASE_URL, valueFrom: {secretKeyRef: {name: %1$s-db, key: url}}}
                    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: LOG_FORMAT, value: json}
                    readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}
                    livenessProbe: {httpGet: {path: /live, port: http}, initialDelaySeconds: 10}
                    resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {memory: 512Mi}}
                    volumeMounts: [{name: config, mountPath: /etc/api}]
                  - name: log-shipper
                    image: docker.io/fluent/fluent-bit:3.1
                    resources: {requests: {cpu: 10m, memory: 32Mi}}
                  volumes:
                  - {name: config, configMap: {name: %1$s-config}}
                """.formatted(app);
    }

    private static String webPod(String app) {
        return """
                metadata:
                  labels: {app: %1$s-web, app.kubernetes.io/part-of: %1$s}
                spec:
                  containers:
                  - name: web
                    image: ghcr.io/example/%1$s-web:1.9.0
                    ports: [{name: http, containerPort: 80}]
                    readinessProbe: {httpGet: {path: /, port: http}}
                    resources: {requests: {cpu: 50m, memory: 64Mi}}
                """.formatted(app);
    }

    private static String deployment(String name, int replicas, String pod) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  replicas: " + replicas
                + "\n  selector:\n    matchLabels: {app: " + name + "}\n  template:\n" + pod.indent(4);
    }

    private static String statefulSet(String name) {
        return "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + name + "\nspec:\n  serviceName: " + name
                + "\n  replicas: 3\n  selector:\n    matchLabels: {app: " + name + "}\n  template:\n" + ("""
                metadata:
                  labels: {app: %1$s}
                spec:
                  containers:
                  - name: postgres
                    image: docker.io/library/postgres:16.4
                    ports: [{name: pg, containerPort: 5432}]
                    env: [{name: PGDATA, value: /var/lib/postgresql/data/pgdata}]
                    volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
                """.formatted(name)).indent(4) + """
                  volumeClaimTemplates:
                  - metadata: {name: data}
                    spec:
                      accessModes: [ReadWriteOnce]
                      resources: {requests: {storage: 10Gi}}
                """;
    }

    private static String daemonSet(String name) {
        return "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: " + name + "\nspec:\n  selector:\n    matchLabels: {app: "
                + name + "}\n  template:\n" + ("""
                metadata:
                  labels: {app: %1$s}
                spec:
                  containers:
                  - name: agent
                    image: ghcr.io/example/node-agent:0.12.0
                    resources: {requests: {cpu: 20m, memory: 32Mi}}
                """.formatted(name)).indent(4);
    }

    private static String job(String name) {
        return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n  backoffLimit: 2\n  template:\n"
                + batchPod(name).indent(4);
    }

    private static String cronJob(String name) {
        return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " + name + "\nspec:\n  schedule: \"15 3 * * *\"\n"
                + "  jobTemplate:\n    spec:\n      template:\n" + batchPod(name).indent(8);
    }

    private static String batchPod(String name) {
        return """
                metadata:
                  labels: {app: %1$s}
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: task
                    image: ghcr.io/example/tasks:5.0.2
                    command: [/bin/task, %1$s]
                """.formatted(name);
    }

    private static String service(String name, int port, boolean headless) {
        return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" + (headless ? "  clusterIP: None\n" : "")
                + "  selector: {app: " + name + "}\n  ports:\n  - name: main\n    port: " + port + "\n    targetPort: " + port + "\n";
    }

    private static String configMap(String app) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %1$s-config
                data:
                  config.yaml: |
                    server:
                      port: 8080
                      shutdownGracePeriod: 20s
                    catalog:
                      url: http://%1$s-web
                  FEATURE_FLAGS: "checkout-v2,fast-search"
                """.formatted(app);
    }

    /**
     * A strategic-merge patch adding what the engine adds to a workload: the init container, the proxy, its volume
     * and the annotations, taken from injecting a pod template of this manifest.
     */
    static ObjectNode patch(boolean cronJob) {
        ObjectNode pod = (ObjectNode) JsonMappers.YAML.readTree(webPod("sample"));
        JsonNode injected = new InjectionEngine(ConfigLoader.embeddedDefault()).inject(pod, PodRequest.offline("default")).pod();
        ObjectNode template = Json.object();
        ObjectNode annotations = template.putObject("metadata").putObject("annotations");
        injected.at("/metadata/annotations").properties().forEach(e -> annotations.set(e.getKey(), e.getValue()));
        ObjectNode spec = template.putObject("spec");
        spec.putArray("initContainers").add(named(injected.at("/spec/initContainers"), SidecarParts.INIT_NAME));
        spec.putArray("containers").add(named(injected.at("/spec/containers"), SidecarParts.PROXY_NAME));
        spec.set("volumes", injected.at("/spec/volumes"));

        ObjectNode patch = Json.object();
        patch.put("apiVersion", cronJob ? "batch/v1" : "apps/v1").put("kind", cronJob ? "CronJob" : "Deployment");
        patch.putObject("metadata").put("name", "every-workload");
        ObjectNode podSpecParent = patch.putObject("spec");
        if (cronJob) {
            podSpecParent = podSpecParent.putObject("jobTemplate").putObject("spec");
        }
        podSpecParent.set("template", template);
        return patch;
    }

    private static JsonNode named(JsonNode containers, String name) {
        for (JsonNode container : containers) {
            if (name.equals(container.path("name").asString(null))) {
                return container;
            }
        }
        throw new IllegalStateException("the engine added no " + name);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
