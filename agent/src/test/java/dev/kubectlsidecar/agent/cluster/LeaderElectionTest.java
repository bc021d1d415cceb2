package dev.kubectlsidecar.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
    static {
        Poll.quietMockServer();
    }

    static final LeaderElection.Timing FAST = new LeaderElection.Timing(Duration.ofSeconds(2), Duration.ofMillis(1500),
            Duration.ofMillis(200));
    private static final String NS = "kubectl-sidecar";

    KubernetesClient client;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<LeaderElection> elections = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        elections.forEach(LeaderElection::close);
    }

    @Test
    void exactlyOneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItStops() {
        LeaderElection a = elect("a");
        LeaderElection b = elect("b");
        Poll.until("a leader", () -> (a.isLeader() || b.isLeader()) && events.size() == 1);
        Set<String> renewals = new HashSet<>();
        Poll.until("three renewals of the lease, with exactly one leader throughout", Duration.ofSeconds(30), () -> {
            assertThat(a.isLeader() && b.isLeader()).as("two leaders").isFalse();
            assertThat(a.isLeader() || b.isLeader()).as("no leader").isTrue();
            renewals.add(String.valueOf(lease().getSpec().getRenewTime()));
            return renewals.size() >= 3;
        });
        LeaderElection leader = a.isLeader() ? a : b;
        LeaderElection follower = leader == a ? b : a;
        String leaderName = leader == a ? "a" : "b";
        String followerName = leader == a ? "b" : "a";
        assertThat(events).containsExactly(leaderName + " started");
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leaderName);

        leader.close();
        Poll.until("the other replica to lead", () -> follower.isLeader() && events.size() == 3);
        assertThat(leader.isLeader()).isFalse();
        assertThat(events).containsExactly(leaderName + " started", leaderName + " stopped", followerName + " started");
        Poll.until("the lease to name the new leader", () -> followerName.equals(lease().getSpec().getHolderIdentity()));
    }

    @Test
    void aLeaderThatLosesItsLeaseStopsAndCampaignsAgain() {
        LeaderElection a = elect("a");
        Poll.until("a leads", a::isLeader);

        // someone else takes the lease over (as after a long pause of this replica); a renewal may come in between
        Poll.until("the lease taken over", () -> {
            Lease lease = lease();
            lease.getSpec().setHolderIdentity("intruder");
            try {
                client.leases().inNamespace(NS).resource(lease).update();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                return false;
            }
        });
        Poll.until("a stops leading", () -> !a.isLeader() && events.size() == 2);
        assertThat(events).containsExactly("a started", "a stopped");

        // the intruder never renews: once its lease expires, a leads again
        Poll.until("a leads again", () -> a.isLeader() && events.size() == 3);
        assertThat(events).containsExactly("a started", "a stopped", "a started");
    }

    private LeaderElection elect(String identity) {
        LeaderElection election = new LeaderElection(client, NS, InClusterSettings.LEASE, identity, FAST,
                () -> events.add(identity + " started"), () -> events.add(identity + " stopped"));
        elections.add(election);
        election.start();
        return election;
    }

    private Lease lease() {
        return client.leases().inNamespace(NS).withName(InClusterSettings.LEASE).get();
    }
}
