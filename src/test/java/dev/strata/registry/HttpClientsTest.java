package dev.strata.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

/** Fails when a jib-core upgrade drops the constructor that turns jib's own retries off. */
class HttpClientsTest {
    @Test
    void jibsHttpClientCanBeMadeWithoutItsOwnRetries() {
        assertThatCode(() -> HttpClients.create(false, e -> { }).shutDown()).doesNotThrowAnyException();
        assertThatCode(() -> HttpClients.create(true, e -> { }).shutDown()).doesNotThrowAnyException();
    }
}
