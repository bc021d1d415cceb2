package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The agent's RBAC grants exactly what the cluster side uses, each right limited to the agent's own objects. */
class RbacManifestTest {

    /** One resource of a rule, flattened: "group/resource[names] verbs". */
    private static Set<String> grants(List<PolicyRule> rules) {
        Set<String> grants = new TreeSet<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    grants.add(group + "/" + resource + new TreeSet<>(rule.getResourceNames()) + " " + new TreeSet<>(rule.getVerbs()));
                }
            }
        }
        return grants;
    }

    @Test
    void clusterWideTheAgentReadsPodsAndNamespacesPatchesOnlyItsOwnWebhookConfigurationAndChecksCallers()
            throws Exception {
        ClusterRole role = InstallManifests.one(ClusterRole.class);
        assertThat(grants(role.getRules())).containsExactlyInAnyOrder(
                "/pods[] [get, list, watch]",
                "/namespaces[] [get, list, watch]",
                "admissionregistration.k8s.io/mutatingwebhookconfigurations[" + InClusterSettings.DEFAULT_WEBHOOK_CONFIGURATION
                        + "] [get, list, patch, watch]",
                // authorising reads of /api/v1/status and /api/v1/config: create only, nothing to read back
                "authentication.k8s.io/tokenreviews[] [create]",
                "authorization.k8s.io/subjectaccessreviews[] [create]");
    }

    @Test
    void inItsNamespaceEveryRightIsLimitedToTheAgentsOwnObjectsExceptCreate() throws Exception {
        Role role = InstallManifests.one(Role.class);
        assertThat(grants(role.getRules())).containsExactlyInAnyOrder(
                "/secrets[" + InClusterSettings.TLS_SECRET + "] [get, list, update, watch]",
                "/secrets[] [create]",
                "coordination.k8s.io/leases[" + InClusterSettings.LEASE + "] [get, patch]",
                "coordination.k8s.io/leases[] [create]",
                "/configmaps[" + InClusterSettings.CONFIG_MAP + "] [get, list, watch]");
        for (PolicyRule rule : role.getRules()) {
            boolean limited = !rule.getResourceNames().isEmpty();
            assertThat(limited || rule.getVerbs().equals(List.of("create")))
                    .as("rule %s is limited by resourceNames or only creates", rule).isTrue();
        }
    }

    @Test
    void noWildcardsAnywhere() throws Exception {
        for (List<PolicyRule> rules : List.of(InstallManifests.one(ClusterRole.class).getRules(),
                InstallManifests.one(Role.class).getRules())) {
            for (PolicyRule rule : rules) {
                assertThat(rule.getApiGroups()).doesNotContain("*");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getVerbs()).doesNotContain("*");
            }
        }
    }

    @Test
    void bindingsGiveTheRolesToTheAgentsServiceAccountOnly() throws Exception {
        ClusterRoleBinding clusterBinding = InstallManifests.one(ClusterRoleBinding.class);
        RoleBinding binding = InstallManifests.one(RoleBinding.class);
        assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(clusterBinding.getRoleRef().getName()).isEqualTo(InstallManifests.one(ClusterRole.class).getMetadata().getName());
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(InstallManifests.one(Role.class).getMetadata().getName());
        for (List<Subject> subjects : List.of(clusterBinding.getSubjects(), binding.getSubjects())) {
            assertThat(subjects).singleElement().satisfies(s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo("kubectl-sidecar-agent");
                assertThat(s.getNamespace()).isEqualTo("kubectl-sidecar");
            });
        }
    }
}
