package dev.kubectlsidecar.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bytes of reviews in flight: granted while they fit, then first come first served, refused at the deadline. */
class ReviewBudgetTest {
    private final Vertx vertx = Vertx.vertx();
    private final ReviewBudget budget = new ReviewBudget(vertx, 100);

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void grantsWhileTheBytesFitAndReleasesOnce() throws Exception {
        ReviewBudget.Permit first = await(budget.acquire(60, Duration.ofSeconds(5)));
        ReviewBudget.Permit second = await(budget.acquire(40, Duration.ofSeconds(5)));
        assertThat(budget.used()).isEqualTo(100);
        first.close();
        first.close();
        assertThat(budget.used()).isEqualTo(40);
        second.close();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aReviewThatDoesNotFitWaitsForRoomInArrivalOrder() throws Exception {
        ReviewBudget.Permit held = await(budget.acquire(90, Duration.ofSeconds(5)));
        Future<ReviewBudget.Permit> large = budget.acquire(80, Duration.ofSeconds(5));
        Future<ReviewBudget.Permit> small = budget.acquire(5, Duration.ofSeconds(5));
        assertThat(budget.waiting()).as("the small one does not overtake the large one").isEqualTo(2);
        held.close();
        assertThat(await(large).bytes()).isEqualTo(80);
        assertThat(await(small).bytes()).isEqualTo(5);
        assertThat(budget.used()).isEqualTo(85);
    }

    @Test
    void refusedWith429WhenNoRoomComesInTime() throws Exception {
        ReviewBudget.Permit held = await(budget.acquire(100, Duration.ofSeconds(5)));
        Future<ReviewBudget.Permit> late = budget.acquire(1, Duration.ofMillis(50));
        assertThatThrownBy(() -> await(late)).hasCauseInstanceOf(HttpError.class)
                .hasMessageContaining("the agent is busy");
        assertThat(((HttpError) late.cause()).status()).isEqualTo(429);
        assertThat(budget.waiting()).isZero();
        held.close();
        assertThat(budget.used()).as("the refused one holds nothing").isZero();
    }

    @Test
    void moreThanTheWholeBudgetIsAProgrammingError() {
        assertThatThrownBy(() -> budget.acquire(101, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
