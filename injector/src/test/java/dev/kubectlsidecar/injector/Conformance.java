package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Locates Istio's test vectors (system property {@code conformance.dir}, by default {@code ../shared/conformance}
 * beside the clone), read in place and never copied into the repository.
 */
public final class Conformance {
    /**
     * Inputs Istio injects as asked but we refuse on purpose (see {@code GuardedAnnotations} and
     * {@code SidecarOverrideCheck}): each with what the refusal must name.
     */
    public static final Map<String, String> REFUSED_HERE = Map.of(
            // proxyCPU 4000m over the envoy profile's 2-core limit: the API server would refuse the pod (Istio's
            // test mesh sets no limits); we name the annotation first.
            "traffic-annotations.yaml", "sidecar.istio.io/proxyCPU",
            "enable-core-dump-annotation.yaml", "sidecar.istio.io/enableCoreDump",
            "hello-openshift-tproxy.yaml", "sidecar.istio.io/interceptionMode",
            "init-no-intercept-no-native-sidecar.yaml", "sidecar.istio.io/interceptionMode",
            // A pod's own istio-proxy that loosens the proxy's security context or changes its UID/GID.
            "hello-openshift-custom-injection.yaml", "containers[1].securityContext.readOnlyRootFilesystem",
            "proxy-override-runas.yaml", "containers[1].securityContext.runAsGroup",
            // Its own istio-init sets args (and its istio-proxy loosens allowPrivilegeEscalation): the first is named.
            "proxy-override.yaml", "initContainers[0].args");

    private static volatile boolean warned;

    private Conformance() {
    }

    /**
     * The folder of {@code corpus}; a test that needs it is skipped (with one line on stderr, once per JVM) when the
     * corpus is not beside this clone, as in a fresh clone outside the team's layout.
     */
    public static Path dir(String corpus) {
        String root = System.getProperty("conformance.dir");
        assertThat(root).as("system property conformance.dir (set by surefire)").isNotNull();
        Path dir = Path.of(root, corpus);
        if (!Files.isDirectory(dir)) {
            String reason = "Istio's test vectors are not at " + dir.normalize() + ": the tests reading them are"
                    + " skipped (istio-inject/ holds istio/istio's pkg/kube/inject/testdata/inject, iptables/ the"
                    + " cases of tools/istio-iptables/pkg/capture/testdata; point -Dconformance.dir at their parent)";
            if (!warned) {
                warned = true;
                System.err.println("SKIPPED: " + reason);
            }
            Assumptions.abort(reason);
        }
        return dir;
    }

    /** The istio-inject inputs: every NAME.yaml (not the .injected goldens). */
    public static List<Path> injectInputs() {
        try (Stream<Path> files = Files.list(dir("istio-inject"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
