package dev.kubectlsidecar.cli.cluster;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the API server could not get an answer from a webhook, read from the error it returns for a pod create
 * ({@code Internal error occurred: failed calling webhook "NAME": failed to call webhook: Post "https://…": CAUSE}),
 * with what fixes each cause.
 */
enum WebhookCallFailure {
    /** Checked first: the API server's network proxy refused the address before any connection. */
    ADDRESS_NOT_ALLOWED("the API server may not connect to the agent's pod address",
            "the control plane cannot reach pod IPs (e.g. EKS with a custom CNI such as Calico or Cilium in overlay mode): "
                    + "reinstall with `kubectl sidecar install --host-network` so the agent listens on the node's address"),
    CERTIFICATE("the API server does not trust the agent's certificate",
            "the webhook's caBundle does not match the agent's serving certificate: the agent repairs it within seconds; "
                    + "if it keeps coming back, a GitOps tool is resetting caBundle: `kubectl sidecar install --gitops argocd|flux` "
                    + "prints the ignore rule; `kubectl sidecar verify` checks the certificates"),
    NO_ENDPOINTS("no ready agent pod backs the Service " + AgentNames.SERVICE,
            "kubectl -n " + AgentNames.NAMESPACE + " get pods,endpointslices; kubectl -n " + AgentNames.NAMESPACE
                    + " describe deploy/" + AgentNames.DEPLOYMENT),
    CONNECTION_REFUSED("the agent's address refused the connection (nothing listens on the Service's target port)",
            "the agent is restarting or listens on another port: kubectl -n " + AgentNames.NAMESPACE + " get pods; kubectl -n "
                    + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT),
    TIMEOUT("the API server's call to the agent timed out",
            "a firewall drops the control plane's traffic to the agent's port. On GKE private clusters the control plane "
                    + "reaches nodes only on 443 and 10250: add a rule (gcloud compute firewall-rules create kubectl-sidecar-webhook "
                    + "--network NETWORK --direction INGRESS --source-ranges CONTROL_PLANE_CIDR --allow tcp:8443 --target-tags NODE_TAG) "
                    + "or reinstall with `kubectl sidecar install --port 10250`; elsewhere check NetworkPolicies in namespace "
                    + AgentNames.NAMESPACE + " and the agent's logs"),
    DENIED("a webhook refused the pod", "the message says why; the pod (or the verify probe) breaks that webhook's rules"),
    OTHER("the webhook call failed", "kubectl -n " + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT);

    private static final Pattern WEBHOOK = Pattern.compile("webhook \"([^\"]+)\"");

    final String cause;
    final String fix;

    WebhookCallFailure(String cause, String fix) {
        this.cause = cause;
        this.fix = fix;
    }

    static WebhookCallFailure classify(String message) {
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("address is not allowed")) {
            return ADDRESS_NOT_ALLOWED;
        }
        if (text.contains("x509:") || text.contains("tls: failed to verify") || text.contains("certificate")) {
            return CERTIFICATE;
        }
        if (text.contains("no endpoints available")) {
            return NO_ENDPOINTS;
        }
        if (text.contains("connection refused")) {
            return CONNECTION_REFUSED;
        }
        if (text.contains("deadline exceeded") || text.contains("i/o timeout") || text.contains("timeout exceeded")
                || text.contains("timed out")) {
            return TIMEOUT;
        }
        return text.contains("denied the request") ? DENIED : OTHER;
    }

    /** The webhook the message names ({@code failed calling webhook "NAME"}), or null. */
    static String webhookName(String message) {
        Matcher matcher = WEBHOOK.matcher(message);
        return matcher.find() ? matcher.group(1) : null;
    }
}
