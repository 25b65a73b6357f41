package io.keymgmt.http.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class NcrontabTest {

    private static final ZonedDateTime T = ZonedDateTime.parse("2026-12-02T10:17:23Z");

    @Test
    void everyMinuteFiresAtSecondZeroOfTheNextMinute() {
        assertEquals(ZonedDateTime.parse("2026-12-02T10:18:00Z"), Ncrontab.parse("0 * * * * *").next(T));
    }

    @Test
    void stepsRangesListsAndNames() {
        assertEquals(ZonedDateTime.parse("2026-12-02T10:20:00Z"), Ncrontab.parse("0 */5 * * * *").next(T));
        assertEquals(ZonedDateTime.parse("2026-12-02T10:17:30Z"), Ncrontab.parse("*/15 * * * * *").next(T));
        assertEquals(ZonedDateTime.parse("2026-12-03T09:00:00Z"), Ncrontab.parse("0 0 9-17 * * *").next(T.withHour(18)));
        assertEquals(ZonedDateTime.parse("2026-12-02T10:30:00Z"), Ncrontab.parse("0 0,30 * * * *").next(T));
        // 2026-12-02 is a Wednesday; the next Monday is the 7th.
        assertEquals(ZonedDateTime.parse("2026-12-07T00:00:00Z"), Ncrontab.parse("0 0 0 * * MON").next(T));
        assertEquals(ZonedDateTime.parse("2026-12-06T00:00:00Z"), Ncrontab.parse("0 0 0 * * 0").next(T));
        assertEquals(ZonedDateTime.parse("2027-01-01T00:00:00Z"), Ncrontab.parse("0 0 0 1 JAN *").next(T));
    }

    @Test
    void theNextTimeIsStrictlyAfter() {
        ZonedDateTime onTheMinute = ZonedDateTime.parse("2026-12-02T10:18:00Z");
        assertEquals(ZonedDateTime.parse("2026-12-02T10:19:00Z"), Ncrontab.parse("0 * * * * *").next(onTheMinute));
    }

    @Test
    void badSchedulesAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ncrontab.parse("* * * * *")).getMessage()
                .contains("six fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ncrontab.parse("0 61 * * * *")).getMessage()
                .contains("minute"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ncrontab.parse("0 0 0 * * 8")).getMessage()
                .contains("day-of-week"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ncrontab.parse("0 0 5-2 * * *")).getMessage()
                .contains("backwards"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ncrontab.parse("0 0 0 31 FEB *").next(T))
                .getMessage().contains("never fires"));
    }
}
