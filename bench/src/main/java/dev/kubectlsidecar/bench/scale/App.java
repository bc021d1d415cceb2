package dev.kubectlsidecar.bench.scale;

import dev.kubectlsidecar.bench.TypicalPod;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import tools.jackson.databind.node.ObjectNode;

/**
 * The workloads the scale run's namespaces hold, each a pod template as its controller stamps it out: the typical
 * two-container Deployment of the JMH benchmarks, a plain web server, a worker with traffic annotations, a
 * StatefulSet, a Job, a hostNetwork DaemonSet, and kube-system's DNS.
 */
enum App {
    ORDERS("Deployment", null),
    WEB("Deployment", """
            metadata:
              labels: {app.kubernetes.io/part-of: shop}
            spec:
              containers:
              - name: nginx
                image: docker.io/library/nginx:1.27
                ports: [{name: http, containerPort: 80}]
                readinessProbe: {httpGet: {path: /, port: http}}
                resources: {requests: {cpu: 50m, memory: 64Mi}}
            """),
    WORKER("Deployment", """
            metadata:
              annotations:
                traffic.sidecar.istio.io/excludeOutboundIPRanges: 10.96.0.1/32
                traffic.sidecar.istio.io/includeInboundPorts: "8081"
            spec:
              containers:
              - name: worker
                image: ghcr.io/example/worker:2.4.0
                args: [--queue, jobs]
                env: [{name: QUEUE_URL, value: "amqp://queue.shop.svc:5672"}]
                ports: [{containerPort: 8081}]
                resources: {requests: {cpu: 100m, memory: 256Mi}}
            """),
    CACHE("StatefulSet", """
            spec:
              containers:
              - name: redis
                image: docker.io/library/redis:7.4
                ports: [{name: redis, containerPort: 6379}]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes: [{name: data, emptyDir: {}}]
            """),
    REPORT("Job", """
            spec:
              restartPolicy: Never
              containers:
              - name: report
                image: ghcr.io/example/report:1.0.3
                args: [--since, 24h]
            """),
    NODE_AGENT("DaemonSet", """
            spec:
              hostNetwork: true
              containers:
              - name: node-exporter
                image: quay.io/prometheus/node-exporter:v1.8.2
                ports: [{name: metrics, containerPort: 9100}]
            """),
    COREDNS("Deployment", """
            metadata:
              labels: {k8s-app: kube-dns}
            spec:
              priorityClassName: system-cluster-critical
              containers:
              - name: coredns
                image: registry.k8s.io/coredns/coredns:v1.11.3
                args: [-conf, /etc/coredns/Corefile]
                ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: metrics, containerPort: 9153}]
            """);

    private final String controller;
    private final String templateYaml;

    App(String controller, String templateYaml) {
        this.controller = controller;
        this.templateYaml = templateYaml;
    }

    /** The app's name, as its pods are named and labelled. */
    String appName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The kind of the workload that owns the pods. */
    String controller() {
        return controller;
    }

    /** A fresh copy of the pod template, labelled {@code app: NAME}. */
    ObjectNode template() {
        ObjectNode template = templateYaml == null ? TypicalPod.tree() : (ObjectNode) JsonMappers.YAML.readTree(templateYaml);
        Json.objectAt(Json.objectAt(template, "metadata"), "labels").put("app", appName());
        return template;
    }
}
