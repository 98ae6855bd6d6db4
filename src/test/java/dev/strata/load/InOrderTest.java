package dev.strata.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InOrderTest {
    private static final List<Integer> ITEMS = IntStream.range(0, 200).boxed().toList();

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void returnsResultsInTheItemsOrderWhateverFinishesFirst(int threads) throws IOException {
        List<Integer> out = InOrder.map(ITEMS, i -> {
            if (i % 7 == 0) pause(2); // later items overtake earlier ones
            return i * 10;
        }, threads);

        assertThat(out).isEqualTo(ITEMS.stream().map(i -> i * 10).toList());
    }

    @Test
    void usesSeveralThreadsWhenAllowed() throws IOException {
        Set<String> threads = ConcurrentHashMap.newKeySet();

        InOrder.map(ITEMS, i -> {
            threads.add(Thread.currentThread().getName());
            pause(1);
            return i;
        }, 3);

        assertThat(threads).hasSizeBetween(2, 3).allSatisfy(name -> assertThat(name).startsWith("strata-load-"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void passesOnAnIOExceptionAsItself(int threads) {
        assertThatThrownBy(() -> InOrder.map(ITEMS, i -> {
            if (i == 50) throw new IOException("disk on fire");
            return i;
        }, threads)).isInstanceOf(IOException.class).hasMessage("disk on fire");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void passesOnARuntimeExceptionAsItself(int threads) {
        assertThatThrownBy(() -> InOrder.map(ITEMS, i -> {
            if (i == 50) throw new IllegalStateException("bug");
            return i;
        }, threads)).isInstanceOf(IllegalStateException.class).hasMessage("bug");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
