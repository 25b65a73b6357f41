package io.keymgmt.keyvault;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} create or import calls per vault in any window of {@code window}, within this
 * process. Several instances share a vault's budget without knowing of each other, so the limit is a
 * ceiling per instance; Key Vault's 429 plus the SDK's retry policy handle the rest.
 */
public final class SlidingWindowPacer implements Pacer {

    private final int limit;
    private final long windowNanos;
    private final Map<URI, Deque<Long>> calls = new ConcurrentHashMap<>();

    public SlidingWindowPacer(int limit, Duration window) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    @Override
    public void beforeCreateOrImport(URI vault) {
        Deque<Long> recent = calls.computeIfAbsent(vault, v -> new ArrayDeque<>());
        synchronized (recent) {
            while (true) {
                long now = System.nanoTime();
                while (!recent.isEmpty() && now - recent.peekFirst() >= windowNanos) {
                    recent.removeFirst();
                }
                if (recent.size() < limit) {
                    recent.addLast(now);
                    return;
                }
                long waitNanos = windowNanos - (now - recent.peekFirst());
                try {
                    recent.wait(Math.max(1, waitNanos / 1_000_000), (int) (waitNanos % 1_000_000 / 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pacing calls to " + vault, e);
                }
            }
        }
    }
}
