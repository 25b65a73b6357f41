package io.keymgmt.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * What a deployment may tune in the engine's rules.
 *
 * @param minimumRotationPeriod the shortest auto_rotate_period a key may have
 * @param retryBackoff how long the reconciler waits after a distribution's first failure; each further
 *     failure in a row doubles it
 * @param maximumRetryBackoff the longest it waits
 * @param operationRetention how long a workflow's operation can be polled after it was started
 */
public record EngineSettings(Duration minimumRotationPeriod, Duration retryBackoff, Duration maximumRetryBackoff,
        Duration operationRetention) {

    /** The default for how long operations are kept: a week, longer than any workflow waits on one. */
    public static final Duration DEFAULT_OPERATION_RETENTION = Duration.ofDays(7);

    public EngineSettings(Duration minimumRotationPeriod, Duration retryBackoff, Duration maximumRetryBackoff) {
        this(minimumRotationPeriod, retryBackoff, maximumRetryBackoff, DEFAULT_OPERATION_RETENTION);
    }

    public EngineSettings {
        Objects.requireNonNull(minimumRotationPeriod, "minimumRotationPeriod");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(maximumRetryBackoff, "maximumRetryBackoff");
        Objects.requireNonNull(operationRetention, "operationRetention");
        if (operationRetention.isNegative() || operationRetention.isZero()) {
            throw new IllegalArgumentException("operations must be kept for a positive time, was " + operationRetention);
        }
        if (minimumRotationPeriod.isNegative() || minimumRotationPeriod.isZero()) {
            throw new IllegalArgumentException("the minimum rotation period must be positive, was "
                    + minimumRotationPeriod);
        }
        if (retryBackoff.isNegative() || maximumRetryBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("the retry backoff must be at least 0 and at most its maximum, was "
                    + retryBackoff + " and " + maximumRetryBackoff);
        }
    }

    /** One hour at least between rotations; retries after 1 minute, doubling up to an hour. */
    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofHours(1));
    }

    /** When to try a distribution again after its {@code failures}-th failure in a row. */
    Duration backoffAfter(int failures) {
        Duration wait = retryBackoff;
        for (int i = 1; i < failures && wait.compareTo(maximumRetryBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maximumRetryBackoff) > 0 ? maximumRetryBackoff : wait;
    }
}
