package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Locates Istio's test vectors in ../shared/conformance (read in place, never copied into the repo). */
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

    private Conformance() {
    }

    public static Path dir(String corpus) {
        String root = System.getProperty("conformance.dir");
        assertThat(root).as("system property conformance.dir (set by surefire)").isNotNull();
        Path dir = Path.of(root, corpus);
        assertThat(dir).as("conformance corpus " + corpus).isDirectory();
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
