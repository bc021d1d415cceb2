package dev.kubectlsidecar.injector.memo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code capacity} most recently used entries of a map, the least recently used going first: how the engine
 * remembers work that many pods share (a record's text read, a program hashed, rules verified) without growing with
 * the pods. Callers keep only results that are a pure function of their key. Safe for concurrent use.
 */
public final class RecentlyUsed<K, V> {
    private final Map<K, V> entries;

    public RecentlyUsed(int capacity) {
        entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value kept for {@code key}, or null. */
    public synchronized V get(K key) {
        return entries.get(key);
    }

    public synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    /** The value kept for {@code key}, else computed (under the lock) and kept. */
    public synchronized V computeIfAbsent(K key, Function<? super K, ? extends V> compute) {
        return entries.computeIfAbsent(key, compute);
    }

    public synchronized boolean contains(K key) {
        return entries.containsKey(key);
    }
}
