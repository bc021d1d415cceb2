package dev.kubectlsidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.render.SidecarParts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RenderCacheTest {
    private final AtomicInteger renders = new AtomicInteger();

    private SidecarParts render(int scriptBytes) {
        renders.incrementAndGet();
        return SidecarParts.of(Json.object().put("name", "istio-init").put("script", "x".repeat(scriptBytes)),
                Json.object().put("name", "istio-proxy"), List.of(), false, false);
    }

    @Test
    void sameInputsShareOneRenderAndTheNativeFlagIsPartOfTheKey() {
        RenderCache cache = new RenderCache();
        SidecarParts first = cache.get(Map.of("a", "1", "b", "2"), false, () -> render(10));
        assertThat(cache.get(Map.of("b", "2", "a", "1"), false, () -> render(10))).isSameAs(first);
        assertThat(cache.get(Map.of("a", "1", "b", "2"), true, () -> render(10))).isNotSameAs(first);
        // length-prefixed: "a"="1b" is not "a1"="b"
        assertThat(cache.get(Map.of("a", "1b"), false, () -> render(10)))
                .isNotSameAs(cache.get(Map.of("a1", "b"), false, () -> render(10)));
        assertThat(renders).hasValue(4);
    }

    @Test
    void longInputsAreKeptUnderTheirDigestAndOversizedOnesNotAtAll() {
        RenderCache cache = new RenderCache();
        String long1 = "1,".repeat(1_000);
        SidecarParts digestKeyed = cache.get(Map.of("ports", long1), false, () -> render(10));
        assertThat(cache.get(Map.of("ports", long1), false, () -> render(10))).isSameAs(digestKeyed);
        assertThat(cache.bytes()).isLessThan(200);  // 32-byte digest, not the 2 000-character value
        String huge = "x".repeat(RenderCache.MAX_INPUT_BYTES);
        cache.get(Map.of("ports", huge), false, () -> render(10));
        cache.get(Map.of("ports", huge), false, () -> render(10));
        assertThat(renders).hasValue(3);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void boundedInBytesAndEntriesEldestFirst() {
        RenderCache cache = new RenderCache();
        for (int i = 0; i < 1_000; i++) {
            cache.get(Map.of("k", "v" + i), false, () -> render(100_000));
            assertThat(cache.bytes()).isLessThanOrEqualTo(RenderCache.MAX_BYTES);
        }
        assertThat(cache.size()).isBetween(30, 45);
        for (int i = 0; i < 1_000; i++) {
            cache.get(Map.of("k", "small" + i), false, () -> render(10));
        }
        assertThat(cache.size()).isEqualTo(RenderCache.MAX_ENTRIES);
        int before = renders.get();
        cache.get(Map.of("k", "small999"), false, () -> render(10));
        cache.get(Map.of("k", "small0"), false, () -> render(10));
        assertThat(renders.get() - before).isEqualTo(1);
    }
}
