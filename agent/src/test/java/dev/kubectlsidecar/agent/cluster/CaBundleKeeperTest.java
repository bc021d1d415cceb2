package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.tls.CertificateIssuer;
import dev.kubectlsidecar.agent.tls.MutableClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

@EnableKubernetesMockClient(crud = true)
class CaBundleKeeperTest {
    static {
        Poll.quietMockServer();
    }

    KubernetesClient client;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final CertificateIssuer issuer = new CertificateIssuer(Clock.systemUTC());
    private final String bundle = issuer.newAuthority("one", Duration.ofDays(1)).certificatePem();
    private CaBundleKeeper keeper;

    @AfterEach
    void stop() {
        if (keeper != null) {
            keeper.close();
        }
    }

    @Test
    void setsTheBundleInEveryWebhookAndSaysSinceWhen() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        keeper = started(WebhookFixtures.NAME);
        keeper.keep(bundle);

        Poll.until("caBundle set", () -> WebhookFixtures.caBundles(client, WebhookFixtures.NAME).equals(List.of(bundle, bundle)));
        Instant held = Poll.value("heldSince", () -> keeper.heldSince(bundle).orElse(null));
        assertThat(held).isEqualTo(clock.instant());
        assertThat(keeper.heldSince("another bundle")).isEmpty();
    }

    @Test
    void repairsTheBundleWhenSomethingElseResetsIt() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        keeper = started(WebhookFixtures.NAME);
        keeper.keep(bundle);
        Poll.until("caBundle set", () -> keeper.heldSince(bundle).isPresent());

        clock.advance(Duration.ofMinutes(1));
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookFixtures.NAME)
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/webhooks/1/clientConfig/caBundle\",\"value\":\"\"}]");
        Poll.until("caBundle repaired after the reset", () -> keeper.heldSince(bundle).map(clock.instant()::equals).orElse(false));
        assertThat(WebhookFixtures.caBundles(client, WebhookFixtures.NAME)).containsExactly(bundle, bundle);

        clock.advance(Duration.ofMinutes(1));
        // a GitOps re-apply: the whole object as in Git, without caBundle
        var reapplied = WebhookFixtures.installed(WebhookFixtures.NAME);
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(reapplied).update();
        Poll.until("caBundle repaired after the re-apply", () -> keeper.heldSince(bundle).map(clock.instant()::equals).orElse(false));
        assertThat(WebhookFixtures.caBundles(client, WebhookFixtures.NAME)).containsExactly(bundle, bundle);
    }

    @Test
    void patchesOnlyWhenTheBundleDiffers() {
        WebhookFixtures.create(client, WebhookFixtures.NAME);
        keeper = started(WebhookFixtures.NAME);
        keeper.keep(bundle);
        Poll.until("caBundle set", () -> keeper.heldSince(bundle).isPresent());
        String version = resourceVersion(WebhookFixtures.NAME);

        keeper.keep(bundle); // checks synchronously against its cache
        keeper.keep(bundle);
        assertThat(resourceVersion(WebhookFixtures.NAME)).isEqualTo(version);

        String two = bundle + issuer.newAuthority("two", Duration.ofDays(1)).certificatePem();
        keeper.keep(two);
        assertThat(resourceVersion(WebhookFixtures.NAME)).isNotEqualTo(version);
        Poll.until("new bundle set", () -> keeper.heldSince(two).isPresent());
        assertThat(WebhookFixtures.caBundles(client, WebhookFixtures.NAME)).containsExactly(two, two);
        assertThat(keeper.heldSince(bundle)).isEmpty();
    }

    @Test
    void waitsForAConfigurationThatDoesNotExistYetAndLeavesOthersAlone() {
        WebhookFixtures.create(client, "someone-else");
        keeper = started(WebhookFixtures.NAME);
        keeper.keep(bundle);
        assertThat(keeper.heldSince(bundle)).isEmpty();

        WebhookFixtures.create(client, WebhookFixtures.NAME);
        Poll.until("caBundle set once created", () -> keeper.heldSince(bundle).isPresent());
        assertThat(WebhookFixtures.caBundles(client, WebhookFixtures.NAME)).containsExactly(bundle, bundle);
        assertThat(WebhookFixtures.caBundles(client, "someone-else")).containsExactly("", "");
    }

    private CaBundleKeeper started(String name) {
        CaBundleKeeper started = new CaBundleKeeper(client, name, clock);
        started.start();
        return started;
    }

    private String resourceVersion(String name) {
        return client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).get()
                .getMetadata().getResourceVersion();
    }
}
