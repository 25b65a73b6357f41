package io.keymgmt.emulator.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;

/**
 * Key Vault's service limit for key creation, per vault: at most {@code limit} create/import calls in
 * any 10-second window. A refused call does not count, as on Azure ("Failed requests that return a
 * 429 do not count towards the throttle limits").
 */
final class CreateThrottle {

    static final Duration WINDOW = Duration.ofSeconds(10);

    private final int limit;
    private final Deque<Instant> admitted = new ArrayDeque<>();

    CreateThrottle(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a throttle limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Empty if the call may go ahead (and is counted), else the seconds to wait for Retry-After. */
    synchronized OptionalLong admit(Instant now) {
        Instant windowStart = now.minus(WINDOW);
        while (!admitted.isEmpty() && !admitted.peekFirst().isAfter(windowStart)) {
            admitted.removeFirst();
        }
        if (admitted.size() >= limit) {
            Duration wait = Duration.between(now, admitted.peekFirst().plus(WINDOW));
            long seconds = (wait.toMillis() + 999) / 1000;
            return OptionalLong.of(Math.max(1, seconds));
        }
        admitted.addLast(now);
        return OptionalLong.empty();
    }
}
