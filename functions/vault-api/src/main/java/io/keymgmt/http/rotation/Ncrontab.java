package io.keymgmt.http.rotation;

import java.time.DayOfWeek;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * An Azure Functions timer schedule: NCRONTAB with six fields, {@code {second} {minute} {hour} {day}
 * {month} {day-of-week}}, each {@code *}, a value, a range {@code a-b}, a step {@code * /n} or
 * {@code a-b/n}, or a comma list of those; months 1-12 or JAN-DEC, days of the week 0-6 (0 = Sunday)
 * or SUN-SAT. The Functions host reads the same expression from KEYMGMT_ROTATION_SCHEDULE on Azure;
 * this parser lets the local runtime fire the timer on the same schedule. A time matches when every
 * field matches (a restricted day and day of week must both match).
 */
public final class Ncrontab {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** A schedule that matches nothing within this many seconds is refused rather than searched forever. */
    private static final long SEARCH_LIMIT_SECONDS = 366L * 24 * 3600 * 5;

    private final String expression;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet days;
    private final BitSet months;
    private final BitSet daysOfWeek;

    private Ncrontab(String expression, BitSet[] fields) {
        this.expression = expression;
        this.seconds = fields[0];
        this.minutes = fields[1];
        this.hours = fields[2];
        this.days = fields[3];
        this.months = fields[4];
        this.daysOfWeek = fields[5];
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static Ncrontab parse(String expression) {
        String[] parts = expression == null ? new String[0] : expression.trim().split("\\s+");
        if (parts.length != 6) {
            throw new IllegalArgumentException("a schedule has six fields, {second} {minute} {hour} {day} {month} "
                    + "{day-of-week}, such as \"0 */5 * * * *\"; got \"" + expression + "\"");
        }
        BitSet[] fields = {
                field(parts[0], "second", 0, 59, List.of()),
                field(parts[1], "minute", 0, 59, List.of()),
                field(parts[2], "hour", 0, 23, List.of()),
                field(parts[3], "day", 1, 31, List.of()),
                field(parts[4], "month", 1, 12, MONTHS),
                field(parts[5], "day-of-week", 0, 6, DAYS)};
        return new Ncrontab(expression.trim(), fields);
    }

    /** The first time strictly after {@code after} that the schedule matches, to the second. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ZonedDateTime limit = t.plusSeconds(SEARCH_LIMIT_SECONDS);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!days.get(t.getDayOfMonth()) || !daysOfWeek.get(dayOfWeek(t.getDayOfWeek()))) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            } else if (!seconds.get(t.getSecond())) {
                t = t.plusSeconds(1);
            } else {
                return t;
            }
        }
        throw new IllegalArgumentException("the schedule \"" + expression + "\" never fires");
    }

    @Override
    public String toString() {
        return expression;
    }

    private static int dayOfWeek(DayOfWeek day) {
        return day.getValue() % 7;
    }

    private static BitSet field(String text, String name, int min, int max, List<String> names) {
        BitSet set = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(item.substring(slash + 1), name, 1, max - min + 1, List.of(), text);
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                int dash = range.indexOf('-');
                from = number(range.substring(0, dash), name, min, max, names, text);
                to = number(range.substring(dash + 1), name, min, max, names, text);
                if (from > to) {
                    throw new IllegalArgumentException("the " + name + " range \"" + range + "\" runs backwards");
                }
            } else {
                from = number(range, name, min, max, names, text);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(String text, String name, int min, int max, List<String> names, String field) {
        int index = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return index + min;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        throw new IllegalArgumentException("the " + name + " field \"" + field + "\" must hold values " + min + " to "
                + max + (names.isEmpty() ? "" : " or " + names.get(0) + "-" + names.get(names.size() - 1))
                + ", '*', ranges a-b, steps /n and comma lists");
    }
}
