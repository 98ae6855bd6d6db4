package dev.strata.registry;

import dev.strata.registry.Resolution.Reason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {
    private final List<Duration> slept = new ArrayList<>();
    private final Retry retry = new Retry(4, Duration.ofMillis(100), 2, Duration.ofMillis(300), slept::add);

    @Test
    void waitsLongerBeforeEachRetryUpToTheMaximum() {
        assertThat(List.of(retry.delayBefore(2), retry.delayBefore(3), retry.delayBefore(4), retry.delayBefore(5)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300));
    }

    @Test
    void aTransientErrorIsRetriedUntilTheCallSucceeds() throws RegistryFailure {
        AtomicInteger calls = new AtomicInteger();
        String out = retry.run(() -> {
            if (calls.incrementAndGet() < 3) throw new RegistryFailure(Reason.UNREACHABLE, true, "refused");
            return "ok";
        });
        assertThat(out).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void aTransientErrorThatLastsFailsAfterTheLastAttemptAndSaysHowMany() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new RegistryFailure(Reason.REGISTRY_ERROR, true, "registry r answered HTTP 503");
        })).isInstanceOf(RegistryFailure.class).hasMessage("registry r answered HTTP 503 (gave up after 4 attempts)");
        assertThat(calls).hasValue(4);
        assertThat(slept).hasSize(3);
    }

    @Test
    void anErrorThatIsNotTransientIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.run(() -> {
            calls.incrementAndGet();
            throw new RegistryFailure(Reason.UNAUTHORIZED, false, "refused");
        })).hasMessage("refused");
        assertThat(calls).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void theStandardPolicyIsBounded() {
        Retry standard = Retry.standard();
        Duration total = Duration.ZERO;
        for (int attempt = 2; attempt <= standard.attempts(); attempt++) total = total.plus(standard.delayBefore(attempt));
        assertThat(total).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
}
