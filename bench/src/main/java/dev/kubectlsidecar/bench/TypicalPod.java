package dev.kubectlsidecar.bench;

import dev.kubectlsidecar.injector.json.JsonMappers;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pod template of a typical Deployment, as the webhook and {@code inject} see it: an application container
 * and a log shipper, with probes, env (literal and from references), resources, volumes and a few annotations,
 * some of them for the injector.
 */
public final class TypicalPod {
    static final String YAML = """
            metadata:
              labels:
                app: orders
                version: v3
                app.kubernetes.io/part-of: shop
              annotations:
                prometheus.io/scrape: "true"
                prometheus.io/port: "9102"
                sidecar.istio.io/proxyCPU: 100m
                sidecar.istio.io/proxyMemory: 128Mi
                traffic.sidecar.istio.io/excludeOutboundPorts: "5432"
            spec:
              serviceAccountName: orders
              terminationGracePeriodSeconds: 45
              securityContext:
                runAsNonRoot: true
                fsGroup: 2000
              containers:
              - name: orders
                image: ghcr.io/example/orders:3.7.1
                imagePullPolicy: IfNotPresent
                args: ["--config", "/etc/orders/config.yaml", "--log-format", "json"]
                ports:
                - name: http
                  containerPort: 8080
                - name: metrics
                  containerPort: 9102
                env:
                - name: DATABASE_URL
                  valueFrom:
                    secretKeyRef:
                      name: orders-db
                      key: url
                - name: POD_NAME
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.name
                - name: JAVA_TOOL_OPTIONS
                  value: -XX:MaxRAMPercentage=75
                - name: CATALOG_URL
                  value: http://catalog.shop.svc:8080
                readinessProbe:
                  httpGet:
                    path: /ready
                    port: http
                  periodSeconds: 5
                livenessProbe:
                  httpGet:
                    path: /healthz
                    port: 8080
                  initialDelaySeconds: 10
                  failureThreshold: 3
                startupProbe:
                  tcpSocket:
                    port: 8080
                  failureThreshold: 30
                  periodSeconds: 2
                resources:
                  requests:
                    cpu: 250m
                    memory: 512Mi
                  limits:
                    memory: 1Gi
                volumeMounts:
                - name: config
                  mountPath: /etc/orders
                  readOnly: true
                - name: logs
                  mountPath: /var/log/orders
              - name: log-shipper
                image: docker.io/fluent/fluent-bit:3.1
                args: ["-c", "/fluent-bit/etc/fluent-bit.conf"]
                env:
                - name: LOG_LEVEL
                  value: info
                livenessProbe:
                  httpGet:
                    path: /api/v1/health
                    port: 2020
                resources:
                  requests:
                    cpu: 20m
                    memory: 32Mi
                  limits:
                    cpu: 100m
                    memory: 64Mi
                volumeMounts:
                - name: logs
                  mountPath: /var/log/orders
                  readOnly: true
              volumes:
              - name: config
                configMap:
                  name: orders-config
              - name: logs
                emptyDir: {}
            """;

    private TypicalPod() {
    }

    public static ObjectNode tree() {
        return (ObjectNode) JsonMappers.YAML.readTree(YAML);
    }
}
