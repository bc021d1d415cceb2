package dev.kubectlsidecar.bench.scale;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Wall times of repeated calls, in milliseconds. */
final class Timings {
    private final List<Double> millis = new ArrayList<>();

    void add(long nanos) {
        millis.add(nanos / 1e6);
    }

    double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double max() {
        return sorted().get(millis.size() - 1);
    }

    int count() {
        return millis.size();
    }

    private List<Double> sorted() {
        if (millis.isEmpty()) {
            throw new IllegalStateException("no timings");
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted;
    }
}
