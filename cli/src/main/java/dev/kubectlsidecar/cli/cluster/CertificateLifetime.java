package dev.kubectlsidecar.cli.cluster;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a certificate of the agent is within its life, and whether the agent has let it run later than it should:
 * the agent renews its serving certificate and replaces its CA at 2/3 of their lives, so one with less than a sixth
 * of its life left is overdue.
 */
final class CertificateLifetime {
    private static final String LOGS = "kubectl -n " + AgentNames.NAMESPACE + " logs deploy/" + AgentNames.DEPLOYMENT;

    private CertificateLifetime() {
    }

    static CheckResult check(String what, X509Certificate certificate, Instant now) {
        return check(what, certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), now);
    }

    static CheckResult check(String what, Instant notBefore, Instant notAfter, Instant now) {
        if (!now.isBefore(notAfter)) {
            return CheckResult.fail(AgentChecks.GROUP, what + " expired on " + notAfter + ": the API server refuses the agent's TLS",
                    "the running agent replaces it within a minute; if it stays expired, see why in " + LOGS
                            + ", then: kubectl -n " + AgentNames.NAMESPACE + " rollout restart deploy/" + AgentNames.DEPLOYMENT);
        }
        if (now.isBefore(notBefore)) {
            return CheckResult.fail(AgentChecks.GROUP, what + " is not valid before " + notBefore
                    + ": the clocks of this machine and the agent's node differ", "check the nodes' time synchronisation");
        }
        Duration left = Duration.between(now, notAfter);
        Duration life = Duration.between(notBefore, notAfter);
        if (left.compareTo(life.dividedBy(6)) < 0) {
            return CheckResult.warn(AgentChecks.GROUP, what + " expires in " + StatusView.duration(left)
                    + " (" + notAfter + "), later than the agent renews it", "see why the agent does not: " + LOGS);
        }
        return CheckResult.ok(AgentChecks.GROUP, what + " expires in " + StatusView.duration(left));
    }
}
