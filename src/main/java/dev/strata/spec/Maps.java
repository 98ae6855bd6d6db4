package dev.strata.spec;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

final class Maps {
    private Maps() {
    }

    /** Sorted and unmodifiable, so records compare and iterate the same on every machine. */
    static Map<String, String> sortedCopy(Map<String, String> in) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(in));
    }
}
