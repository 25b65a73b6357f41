package io.keymgmt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a deployment tunes: the shortest rotation period, and the reconciler's backoff. */
class EngineSettingsTest {

    @Test
    void theDefaultsAreAnHourAtLeastBetweenRotationsAndAMinuteDoublingToAnHourBetweenRetries() {
        EngineSettings defaults = EngineSettings.defaults();

        assertEquals(Duration.ofHours(1), defaults.minimumRotationPeriod());
        assertEquals(Duration.ofMinutes(1), defaults.retryBackoff());
        assertEquals(Duration.ofHours(1), defaults.maximumRetryBackoff());
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), IntStream.rangeClosed(1, 8)
                .mapToObj(n -> defaults.backoffAfter(n).toMinutes()).toList());
    }

    @Test
    void theBackoffDoublesWithEachFailureInARowUpToTheMaximum() {
        EngineSettings settings = new EngineSettings(Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofSeconds(45));

        assertEquals(Duration.ofSeconds(10), settings.backoffAfter(1));
        assertEquals(Duration.ofSeconds(20), settings.backoffAfter(2));
        assertEquals(Duration.ofSeconds(40), settings.backoffAfter(3));
        assertEquals(Duration.ofSeconds(45), settings.backoffAfter(4), "capped, not 80s");
        assertEquals(Duration.ofSeconds(45), settings.backoffAfter(1_000_000));
        assertEquals(Duration.ofSeconds(45), settings.backoffAfter(Integer.MAX_VALUE));
    }

    @Test
    void aBackoffEqualToItsMaximumNeverGrows() {
        EngineSettings settings = new EngineSettings(Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(5));

        assertEquals(Duration.ofMinutes(5), settings.backoffAfter(1));
        assertEquals(Duration.ofMinutes(5), settings.backoffAfter(10));
    }

    @Test
    void noBackoffRetriesAtOnce() {
        EngineSettings settings = new EngineSettings(Duration.ofHours(1), Duration.ZERO, Duration.ofMinutes(5));

        assertEquals(Duration.ZERO, settings.backoffAfter(1));
        assertEquals(Duration.ZERO, settings.backoffAfter(5));
    }

    @Test
    void theMinimumPeriodMustBePositive() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new EngineSettings(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1)));
        assertTrue(zero.getMessage().startsWith("the minimum rotation period must be positive"), zero.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new EngineSettings(Duration.ofSeconds(-1), Duration.ofMinutes(1), Duration.ofHours(1)));
    }

    @Test
    void theBackoffMustBeAtLeastZeroAndAtMostItsMaximum() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new EngineSettings(Duration.ofHours(1), Duration.ofSeconds(-1), Duration.ofHours(1)));
        assertTrue(negative.getMessage().startsWith("the retry backoff must be at least 0 and at most its maximum"),
                negative.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new EngineSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(1)));
        assertThrows(NullPointerException.class, () -> new EngineSettings(null, Duration.ZERO, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new EngineSettings(Duration.ofHours(1), null, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> new EngineSettings(Duration.ofHours(1), Duration.ZERO, null));
    }
}
