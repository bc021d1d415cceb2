package dev.kubectlsidecar.injector;

import dev.kubectlsidecar.injector.json.JsonText;
import dev.kubectlsidecar.injector.render.SidecarParts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The engine's renders by what they depend on, bounded in bytes: pods that agree on their render inputs (annotations,
 * native sidecar or not) share one immutable {@link SidecarParts}. The key is the inputs' canonical encoding when it
 * is short (most pods: a few annotations) and its SHA-256 digest otherwise, so a key never holds a pod's large values;
 * inputs larger than {@link #MAX_INPUT_BYTES} are rendered but not kept. Least recently used entries go first once
 * the entries' bytes (key plus rendered parts as JSON) pass {@link #MAX_BYTES}.
 * <p>
 * The digest is only taken for long inputs because the JCA's first use costs a CLI run tens of milliseconds.
 */
final class RenderCache {
    /** Renders kept at most; a cluster's pods share a handful. */
    static final int MAX_ENTRIES = 256;
    static final long MAX_BYTES = 4L * 1024 * 1024;
    /** Render inputs beyond this are a pod's own business: rendered for it, never kept. */
    static final int MAX_INPUT_BYTES = 16 * 1024;
    /** Encodings up to this long are their own key. */
    private static final int LITERAL_KEY_BYTES = 256;

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(key.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private record Entry(SidecarParts parts, long bytes) {
    }

    private final Map<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** The parts for these inputs: from the cache, else rendered (outside the lock) and kept when small enough. */
    SidecarParts get(Map<String, String> inputs, boolean nativeSidecar, Supplier<SidecarParts> render) {
        byte[] encoded = encode(inputs, nativeSidecar);
        if (encoded.length > MAX_INPUT_BYTES) {
            return render.get();
        }
        Key key = new Key(encoded.length <= LITERAL_KEY_BYTES ? encoded : sha256(encoded));
        synchronized (this) {
            Entry cached = entries.get(key);
            if (cached != null) {
                return cached.parts();
            }
        }
        SidecarParts parts = render.get();
        long entryBytes = key.bytes().length + jsonBytes(parts);
        if (entryBytes <= MAX_BYTES / 4) {
            put(key, new Entry(parts, entryBytes));
        }
        return parts;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    private synchronized void put(Key key, Entry entry) {
        Entry replaced = entries.put(key, entry);
        bytes += entry.bytes() - (replaced == null ? 0 : replaced.bytes());
        Iterator<Entry> eldest = entries.values().iterator();
        while ((bytes > MAX_BYTES || entries.size() > MAX_ENTRIES) && eldest.hasNext()) {
            bytes -= eldest.next().bytes();
            eldest.remove();
        }
    }

    /** Sorted entries, each key and value length-prefixed, then the native flag: equal exactly when inputs are. */
    private static byte[] encode(Map<String, String> inputs, boolean nativeSidecar) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        for (Map.Entry<String, String> input : new TreeMap<>(inputs).entrySet()) {
            writeString(out, input.getKey());
            writeString(out, input.getValue());
        }
        out.write(nativeSidecar ? 1 : 0);
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(bytes.length >>> shift);
        }
        out.writeBytes(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static long jsonBytes(SidecarParts parts) {
        long total = JsonText.writeJsonBytes(parts.initContainer()).length
                + JsonText.writeJsonBytes(parts.proxyContainer()).length;
        for (var volume : parts.volumes()) {
            total += JsonText.writeJsonBytes(volume).length;
        }
        return total;
    }
}
