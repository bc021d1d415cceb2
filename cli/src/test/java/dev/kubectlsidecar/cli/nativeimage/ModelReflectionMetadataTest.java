package dev.kubectlsidecar.cli.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.config.InjectionConfig;
import dev.kubectlsidecar.injector.config.Profile;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ModelReflectionMetadataTest {
    @Test
    void modelMetadataFollowsFieldsAndJacksonAnnotationsFromTheRoots() throws Exception {
        Set<String> classes = ModelReflectionMetadata.closure(Set.of("io.fabric8.kubernetes.api.model.Config",
                "io.fabric8.kubernetes.api.model.PodBuilder", "io.fabric8.kubernetes.api.model.Pod"));

        assertThat(classes).as("a kubeconfig's classes, through fields and lists")
                .contains("io.fabric8.kubernetes.api.model.Config", "io.fabric8.kubernetes.api.model.NamedContext",
                        "io.fabric8.kubernetes.api.model.Context", "io.fabric8.kubernetes.api.model.AuthInfo",
                        "io.fabric8.kubernetes.api.model.ExecConfig")
                .as("a pod's, down to the (de)serializers its annotations name")
                .contains("io.fabric8.kubernetes.api.model.Container", "io.fabric8.kubernetes.api.model.Quantity",
                        "io.fabric8.kubernetes.api.model.Quantity$Serializer", "io.fabric8.kubernetes.api.model.IntOrString")
                .as("a builder is not bound by Jackson").doesNotContain("io.fabric8.kubernetes.api.model.PodBuilder")
                .allMatch(name -> name.startsWith("io.fabric8."));
        assertThat(JsonMapper.shared().readTree(ModelReflectionMetadata.json(classes)).path("reflection"))
                .hasSize(classes.size())
                .allMatch(entry -> entry.path("allDeclaredConstructors").asBoolean() && entry.path("allDeclaredFields").asBoolean());
    }

    @Test
    void theCliClassPathYieldsWhatErrorsVersionsAndCredentialsAreReadInto() throws Exception {
        Set<String> classes = ModelReflectionMetadata.closure(ModelReflectionMetadata.roots());

        assertThat(classes).as("an API server's error answer (fabric8 reads it whenever a request fails)")
                .contains("io.fabric8.kubernetes.api.model.Status", "io.fabric8.kubernetes.api.model.StatusDetails",
                        "io.fabric8.kubernetes.api.model.StatusCause")
                .as("GET /version (verify, version)").contains("io.fabric8.kubernetes.client.VersionInfo")
                .as("a kubeconfig's exec plugin and OIDC refresh answers")
                .contains("io.fabric8.kubernetes.client.Config$ExecCredential",
                        "io.fabric8.kubernetes.client.Config$ExecCredentialStatus",
                        "io.fabric8.kubernetes.client.utils.OpenIDConnectionUtils$OAuthToken")
                .as("what install applies").contains("io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration")
                .as("the engine's configuration, which ConfigDigest writes by its record components (version, verify)")
                .contains(InjectionConfig.class.getName(), Profile.class.getName());
    }
}
