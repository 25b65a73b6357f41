package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.T0;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore.Call;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.store.Stored;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key's auto_rotate_period: every form Vault's duration takes and every form it refuses, the
 * deployment's minimum, 0 for off, and what a read shows (auto_rotate_period, last_rotated,
 * next_rotation).
 */
class AutoRotatePeriodTest {

    private static final String DURATION_FORMS = "auto_rotate_period must be a duration: whole seconds (3600) or a "
            + "number with a unit, s, m, h or d (\"720h\", \"30d\", \"1h30m\"), 0 for none; got ";

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    // The forms a period takes

    static Stream<Arguments> acceptedForms() {
        return Stream.of(
                Arguments.of(3600, Duration.ofHours(1)),
                Arguments.of(2_592_000L, Duration.ofDays(30)),
                Arguments.of(BigInteger.valueOf(86_400), Duration.ofDays(1)),
                Arguments.of((short) 7200, Duration.ofHours(2)),
                Arguments.of("3600", Duration.ofHours(1)),
                Arguments.of("720h", Duration.ofDays(30)),
                Arguments.of("30d", Duration.ofDays(30)),
                Arguments.of("1h30m", Duration.ofMinutes(90)),
                Arguments.of("90m", Duration.ofMinutes(90)),
                Arguments.of("3600s", Duration.ofHours(1)),
                Arguments.of("1d12h", Duration.ofHours(36)),
                Arguments.of("1d2h3m4s", Duration.ofSeconds(86_400 + 7_200 + 180 + 4)),
                Arguments.of("2h2h", Duration.ofHours(4)),
                Arguments.of(" 2h ", Duration.ofHours(2)),
                Arguments.of("0090m", Duration.ofMinutes(90)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedForms")
    void everyDurationFormIsTaken(Object given, Duration expected) {
        f.seedKey("k", 1);

        Written written = f.keys().write("k", params("auto_rotate_period", given));

        assertEquals(List.of(), written.warnings(), "auto_rotate_period is a parameter of the write");
        assertEquals(expected, f.storedKey("k").rotationPeriod());
        assertEquals(Optional.of(T0.plus(expected)), f.storedKey("k").nextRotationAt());
    }

    static Stream<Object> refusedForms() {
        return Stream.of("1.5h", "-1", -1, -3600L, "1w", "1y", "h", "d30", "1H", "30D", "1h 30m", "30 d", "1h-30m",
                "P30D", "PT1H", "1e3", "0x10", "10000000000h", "9223372036854775808", 3600.0, 1.5, true,
                List.of("1h"), Map.of("h", 1), BigInteger.TWO.pow(63));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedForms")
    void anythingElseIsRefusedNamingTheFormsTakenAndNothingIsWritten(Object given) {
        f.seedKey("k", 1);
        f.resetCounts();

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", given, "deletion_allowed", true)));

        assertTrue(e.getMessage().startsWith(DURATION_FORMS), e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.UPDATE));
        assertEquals(Duration.ZERO, f.storedKey("k").rotationPeriod());
        assertEquals(false, f.storedKey("k").deletionAllowed(), "nothing of the refused request was applied");
    }

    @Test
    void theRefusalQuotesWhatWasGiven() {
        f.seedKey("k", 1);

        assertEquals(DURATION_FORMS + "\"1.5h\"", assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", "1.5h"))).getMessage());
        assertEquals(DURATION_FORMS + "-1", assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", -1))).getMessage());
        assertEquals(DURATION_FORMS + "[1h]", assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", List.of("1h")))).getMessage());
    }

    @Test
    void aRefusedPeriodCreatesNoKeyAndGeneratesNothing() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", "monthly")));

        assertEquals(DURATION_FORMS + "\"monthly\"", e.getMessage());
        assertTrue(f.findKey("k").isEmpty());
        assertEquals(0, f.keyStore.calls().count(Call.CREATE));
        assertEquals(0, f.sealer.calls().total(), "no key material was generated and sealed");
    }

    @Test
    void nullIsAbsentAndLeavesThePeriodAsItIs() {
        f.seedKey("k", 1);
        f.keys().write("k", params("auto_rotate_period", "30d"));

        f.keys().write("k", params("auto_rotate_period", null, "deletion_allowed", true));

        assertEquals(Duration.ofDays(30), f.storedKey("k").rotationPeriod());
    }

    @Test
    void aPeriodWhoseNextRotationCannotBeRepresentedIsRefused() {
        f.seedKey("k", 1);

        for (Object huge : List.of(100_000_000_000_000_000L, "100000000000000000", Long.MAX_VALUE)) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                    () -> f.keys().write("k", params("auto_rotate_period", huge)));
            assertTrue(e.getMessage().contains("auto_rotate_period"), e.getMessage());
        }
        assertEquals(Duration.ZERO, f.storedKey("k").rotationPeriod());
        f.rotations().plan(T0, 10);
    }

    @Test
    void aPeriodWhoseNextRotationIsBeyondWhatStorageHoldsIsRefused() {
        f.seedKey("k", 1);

        for (String far : List.of("999999999d", "3000000d")) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                    () -> f.keys().write("k", params("auto_rotate_period", far)));
            assertTrue(e.getMessage().contains("auto_rotate_period"), e.getMessage());
        }
        assertEquals(Duration.ZERO, f.storedKey("k").rotationPeriod());
    }

    // The minimum

    @Test
    void theDefaultMinimumIsOneHour() {
        f.seedKey("k", 1);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", "59m")));

        assertEquals("auto_rotate_period 59m is shorter than the minimum of 1h (keymgmt.rotation.minimum-period); "
                + "give a longer period, or 0 to turn rotation off", e.getMessage());
        assertEquals("auto_rotate_period 59m59s is shorter than the minimum of 1h (keymgmt.rotation.minimum-period); "
                + "give a longer period, or 0 to turn rotation off", assertFault(Fault.INVALID_REQUEST,
                        () -> f.keys().write("k", params("auto_rotate_period", 3599))).getMessage());
        assertEquals("auto_rotate_period 1s is shorter than the minimum of 1h (keymgmt.rotation.minimum-period); "
                + "give a longer period, or 0 to turn rotation off", assertFault(Fault.INVALID_REQUEST,
                        () -> f.keys().write("k", params("auto_rotate_period", "1s"))).getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.UPDATE));

        f.keys().write("k", params("auto_rotate_period", "1h"));

        assertEquals(Duration.ofHours(1), f.storedKey("k").rotationPeriod(), "the minimum itself is taken");
    }

    @Test
    void aDeploymentsMinimumIsWhatIsEnforced() {
        try (EngineFixture daily = new EngineFixture(dir.resolve("daily"),
                new EngineSettings(Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofHours(1)))) {
            daily.seedKey("k", 1);

            KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                    () -> daily.keys().write("k", params("auto_rotate_period", "23h59m")));

            assertEquals("auto_rotate_period 23h59m is shorter than the minimum of 1d (keymgmt.rotation.minimum-period);"
                    + " give a longer period, or 0 to turn rotation off", e.getMessage());
            daily.keys().write("k", params("auto_rotate_period", "24h"));
            assertEquals(Duration.ofDays(1), daily.storedKey("k").rotationPeriod());
            daily.keys().write("k", params("auto_rotate_period", 0));
            assertEquals(Duration.ZERO, daily.storedKey("k").rotationPeriod(), "0 is never below the minimum");
        }
        try (EngineFixture quick = new EngineFixture(dir.resolve("quick"),
                new EngineSettings(Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1)))) {
            quick.seedKey("k", 1);

            quick.keys().write("k", params("auto_rotate_period", "5m"));

            assertEquals(Duration.ofMinutes(5), quick.storedKey("k").rotationPeriod());
            assertFault(Fault.INVALID_REQUEST, () -> quick.keys().write("k", params("auto_rotate_period", "299s")));
        }
    }

    @Test
    void aPeriodUnderTheMinimumCreatesNoKey() {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> f.keys().write("k", params("auto_rotate_period", "30m", "deletion_allowed", true)));

        assertTrue(e.getMessage().startsWith("auto_rotate_period 30m is shorter than the minimum of 1h"), e.getMessage());
        assertTrue(f.findKey("k").isEmpty());
        assertEquals(0, f.keyStore.calls().count(Call.CREATE));
    }

    // Off

    @Test
    void zeroTurnsRotationOffInEveryForm() {
        f.seedKey("k", 1);
        for (Object zero : Arrays.asList(0, 0L, "0", "0s", "0h", "0d", "0h0m")) {
            f.rotateEvery("k", Duration.ofDays(30));

            f.keys().write("k", params("auto_rotate_period", zero));

            ManagedKey key = f.storedKey("k");
            assertEquals(Duration.ZERO, key.rotationPeriod(), String.valueOf(zero));
            assertEquals(Optional.empty(), key.nextRotationAt(), String.valueOf(zero));
        }
    }

    @Test
    void aKeyTurnedOffIsNeverDue() {
        f.seedKey("k", 1);
        f.keys().write("k", params("auto_rotate_period", "30d"));
        f.clock.advance(Duration.ofDays(31));
        assertEquals(1, f.rotations().plan(f.clock.instant(), 10).size(), "due while it rotates");

        f.keys().write("k", params("auto_rotate_period", 0));

        assertEquals(List.of(), f.rotations().plan(f.clock.instant().plus(Duration.ofDays(10_000)), 10));
        Keys.KeyDetails read = f.keys().read("k");
        assertEquals(Duration.ZERO, read.autoRotatePeriod());
        assertEquals(Optional.empty(), read.nextRotation());
        assertEquals(T0, read.lastRotated(), "turning it off is no rotation");
    }

    @Test
    void theSamePeriodInAnotherFormWritesNothing() {
        f.seedKey("k", 1);
        f.keys().write("k", params("auto_rotate_period", "30d"));
        Stored<ManagedKey> before = f.findKey("k").orElseThrow();
        int writes = f.keyStore.calls().count(Call.UPDATE);
        f.clock.advance(Duration.ofMinutes(1));

        f.keys().write("k", params("auto_rotate_period", "720h"));
        f.keys().write("k", params("auto_rotate_period", 2_592_000));

        assertEquals(writes, f.keyStore.calls().count(Call.UPDATE));
        assertEquals(before, f.findKey("k").orElseThrow(), "same value, same ETag");
    }

    // What a read shows

    @Test
    void aKeyCreatedWithAPeriodShowsItsLastAndNextRotation() {
        Written written = f.keys().write("k", params("auto_rotate_period", "30d"));

        assertEquals(List.of(), written.warnings());
        Keys.KeyDetails read = f.keys().read("k");
        assertEquals(Duration.ofDays(30), read.autoRotatePeriod());
        assertEquals(T0, read.lastRotated());
        assertEquals(Optional.of(T0.plus(Duration.ofDays(30))), read.nextRotation());
        KeyVersion first = read.visibleVersions().get(0);
        assertEquals(first.createdAt(), read.lastRotated(), "last_rotated is version 1's creation_time");
    }

    @Test
    void aKeyWithoutAPeriodShowsZeroAndNoNextRotation() {
        f.seedKey("k", 1);

        Keys.KeyDetails read = f.keys().read("k");

        assertEquals(Duration.ZERO, read.autoRotatePeriod());
        assertEquals(T0, read.lastRotated(), "last rotated when it was created");
        assertEquals(Optional.empty(), read.nextRotation());
    }

    @Test
    void aRotationMovesLastAndNextRotationToItsVersionsCreationTime() {
        f.seedKey("k", 1);
        f.keys().write("k", params("auto_rotate_period", "7d"));
        f.clock.advance(Duration.ofDays(3).plusNanos(123_456_789));
        Instant rotatedAt = f.clock.instant();

        f.keys().rotate("k", Parameters.none());

        Keys.KeyDetails read = f.keys().read("k");
        assertEquals(rotatedAt, read.lastRotated());
        assertEquals(read.visibleVersions().get(1).createdAt(), read.lastRotated(),
                "last_rotated is the new version's creation_time, to the nanosecond");
        assertEquals(Optional.of(rotatedAt.plus(Duration.ofDays(7))), read.nextRotation());
    }

    @Test
    void anUpdateOtherThanARotationKeepsTheLastRotation() {
        f.seedKey("k", 3);
        f.keys().write("k", params("auto_rotate_period", "30d"));
        f.clock.advance(Duration.ofDays(2));

        f.keys().write("k", params("min_enabled_version", 2, "deletion_allowed", true));

        ManagedKey key = f.storedKey("k");
        assertEquals(T0, key.lastRotatedAt());
        assertEquals(Optional.of(T0.plus(Duration.ofDays(30))), key.nextRotationAt());
        assertEquals(T0.plus(Duration.ofDays(2)), key.updatedAt());
    }

    @Test
    void aNewPeriodCountsFromTheLastRotationNotFromTheWrite() {
        f.seedKey("k", 1);
        f.keys().write("k", params("auto_rotate_period", "30d"));
        f.clock.advance(Duration.ofDays(10));

        f.keys().write("k", params("auto_rotate_period", "7d"));

        ManagedKey key = f.storedKey("k");
        assertEquals(Duration.ofDays(7), key.rotationPeriod());
        assertEquals(T0, key.lastRotatedAt());
        assertEquals(Optional.of(T0.plus(Duration.ofDays(7))), key.nextRotationAt(), "so it is due at once");
        assertEquals(T0.plus(Duration.ofDays(10)), key.updatedAt());
        assertEquals(1, f.rotations().plan(f.clock.instant(), 10).size());
    }
}
