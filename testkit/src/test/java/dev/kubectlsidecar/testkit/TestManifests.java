package dev.kubectlsidecar.testkit;

/** The agent's objects, trimmed to what the local cluster looks at. */
final class TestManifests {
    static final String AGENT_NAMESPACE = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: kubectl-sidecar
            """;

    static final String AGENT_SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: kubectl-sidecar-agent
              namespace: kubectl-sidecar
            spec:
              selector:
                app: kubectl-sidecar-agent
              ports:
              - name: https
                port: 443
                targetPort: 8443
            """;

    static final String AGENT_DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: kubectl-sidecar-agent
              namespace: kubectl-sidecar
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: kubectl-sidecar-agent
              template:
                metadata:
                  labels:
                    app: kubectl-sidecar-agent
                  annotations:
                    example.dev/note: agent
                spec:
                  containers:
                  - name: agent
                    image: ghcr.io/example/kubectl-sidecar-agent:0.1.0
                    args: ["--port=8443"]
                    env:
                    - name: POD_NAMESPACE
                      valueFrom:
                        fieldRef:
                          fieldPath: metadata.namespace
            """;

    private TestManifests() {
    }
}
