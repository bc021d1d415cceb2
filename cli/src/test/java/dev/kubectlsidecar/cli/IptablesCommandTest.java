package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IptablesCommandTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("repo.dir", "..")).resolve("examples");

    @Test
    void printsEachInjectedTemplatesRulesAndWhySkippedOnesHaveNone() {
        CliRun run = CliRun.of("iptables", "--offline", "-f", EXAMPLES.resolve("shop.yaml").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("# deployment/web: IPv4 (iptables-restore --noflush)\n* nat\n")
                .contains("# statefulset/redis: no sidecar, no rules (pod label sidecar.istio.io/inject=false)")
                .doesNotContain("service/");
        // cart excludes Redis' port from outbound capture by annotation; web does not.
        String cart = run.out().substring(run.out().indexOf("# deployment/cart: IPv4"));
        String web = run.out().substring(run.out().indexOf("# deployment/web: IPv4"), run.out().indexOf("# deployment/web: IPv6"));
        assertThat(cart.substring(0, cart.indexOf("COMMIT"))).contains("-A ISTIO_OUTPUT -p tcp --dport 6379 -j RETURN");
        assertThat(web).doesNotContain("6379");
    }

    @Test
    void anInvalidTrafficAnnotationIsAnErrorNamingIt() {
        String pod = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  annotations: {traffic.sidecar.istio.io/excludeOutboundIPRanges: 10.0.0.0/33}
                spec: {containers: [{name: app, image: app:1}]}
                """;
        CliRun run = CliRun.withStdin(pod, "iptables", "--offline", "-f", "-");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: stdin: document 2 (line 5): pod/p: invalid annotation "
                + "traffic.sidecar.istio.io/excludeOutboundIPRanges=\"10.0.0.0/33\"");
        assertThat(run.err()).as("the same place inject names").isEqualTo(CliRun.withStdin(pod, "inject", "--offline", "-f", "-").err());
    }
}
