package io.keymgmt.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The raw values of one request, exactly as the caller sent them, for the engine to read with Vault's
 * weak typing: the vault CLI sends every {@code k=v} as a string ({@code "min_enabled_version":"2"}),
 * Terraform and curl send native JSON types, and Logic Apps sends whatever its designer typed. Every
 * entry point (REST, actions, timer, queue) hands its values over in this one form, so each value is
 * parsed and checked once, here, with the same messages everywhere.
 *
 * <p>Values are what a JSON decoder produces: {@link String}, {@link Boolean}, a {@link Number},
 * {@link List}, {@link Map} or null (treated as absent). Each operation reads the names it takes;
 * whatever it did not read is reported back as Vault's "ignored" warning.
 */
public final class Parameters {

    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();

    private Parameters(Map<String, Object> values) {
        this.values = values;
    }

    /** @param values decoded request values; keys are parameter names */
    public static Parameters of(Map<String, ?> values) {
        return new Parameters(new LinkedHashMap<>(values));
    }

    public static Parameters none() {
        return new Parameters(Map.of());
    }

    /** Vault's warning for parameters the operation does not take, or none. */
    List<String> warnings() {
        Set<String> unknown = unread();
        if (unknown.isEmpty()) {
            return List.of();
        }
        return List.of("Endpoint ignored these unrecognized parameters: " + unknown);
    }

    /** The names given that no read so far asked for, in order. */
    Set<String> unread() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        return unknown;
    }

    /** A string; numbers and booleans are taken in their text form, as Vault does. */
    Optional<String> text(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        if (v instanceof Boolean || isIntegral(v)) {
            return Optional.of(v.toString());
        }
        if (v instanceof Number n) {
            return Optional.of(new BigDecimal(n.toString()).stripTrailingZeros().toPlainString());
        }
        throw invalid(name + " must be a string, got " + kind(v));
    }

    Optional<Integer> integer(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (isIntegral(v)) {
            BigInteger big = new BigInteger(v.toString());
            if (big.bitLength() < Integer.SIZE) {
                return Optional.of(big.intValue());
            }
        } else if (v instanceof String s) {
            try {
                return Optional.of(Integer.parseInt(s.trim()));
            } catch (NumberFormatException ignored) {
                // Reported below.
            }
        }
        throw invalid(name + " must be an integer, got " + shown(v));
    }

    Optional<Boolean> bool(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof String s) {
            // Go's strconv.ParseBool, which Vault uses for string input.
            switch (s.trim()) {
                case "1", "t", "T", "true", "TRUE", "True" -> {
                    return Optional.of(true);
                }
                case "0", "f", "F", "false", "FALSE", "False" -> {
                    return Optional.of(false);
                }
                default -> {
                    // Reported below.
                }
            }
        }
        if (isIntegral(v) && (v.toString().equals("0") || v.toString().equals("1"))) {
            return Optional.of(v.toString().equals("1"));
        }
        throw invalid(name + " must be a boolean (true or false), got " + shown(v));
    }

    /**
     * A duration as Vault takes one: whole seconds (a number, or a string of digits), or a string of
     * numbers with units s, m, h and d ("720h", "30d", "1h30m"). Zero means "off" to the caller.
     */
    Optional<Duration> duration(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (isIntegral(v)) {
            BigInteger seconds = new BigInteger(v.toString());
            // Up to about 31 700 years: a period's rules (Keys) refuse long ones with their own message.
            if (seconds.signum() >= 0 && seconds.compareTo(BigInteger.valueOf(1_000_000_000_000L)) <= 0) {
                return Optional.of(Duration.ofSeconds(seconds.longValue()));
            }
        } else if (v instanceof String s) {
            Optional<Duration> parsed = parseDuration(s.trim());
            if (parsed.isPresent()) {
                return parsed;
            }
        }
        throw invalid(name + " must be a duration: whole seconds (3600) or a number with a unit, s, m, h or d "
                + "(\"720h\", \"30d\", \"1h30m\"), 0 for none; got " + shown(v));
    }

    /** A duration the way this API writes them in messages: "30d", "1h30m", "90s". */
    static String describe(Duration d) {
        long seconds = d.toSeconds();
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long[] units = {86_400, 3_600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (seconds >= units[i]) {
                text.append(seconds / units[i]).append(names[i]);
                seconds %= units[i];
            }
        }
        return text.toString();
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)([smhd])");

    private static Optional<Duration> parseDuration(String text) {
        if (text.matches("\\d{1,12}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
        }
        if (text.isEmpty() || !text.matches("(\\d{1,9}[smhd])+")) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        java.util.regex.Matcher part = DURATION_PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        return Optional.of(total);
    }

    /** A list given as an array of strings, one comma-separated string, or an array of such strings. */
    Optional<List<String>> commaList(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        if (v instanceof String s) {
            split(s, items);
        } else if (v instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw invalid(name + " must be a list of strings, got " + shown(v));
                }
                split(s, items);
            }
        } else {
            throw invalid(name + " must be a string or a list of strings, got " + kind(v));
        }
        return Optional.of(items);
    }

    /**
     * Key-value pairs given as an object of strings or as a list of {@code "k=v"} strings (what the
     * vault CLI sends for repeated {@code credentials=k=v}), or a single such string.
     */
    Optional<Map<String, String>> keyValuePairs(String name) {
        Object v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw invalid(name + "." + e.getKey() + " must be a string");
                }
                put(pairs, name, String.valueOf(e.getKey()), s);
            }
        } else if (v instanceof List<?> || v instanceof String) {
            List<?> items = v instanceof List<?> list ? list : List.of(v);
            for (Object item : items) {
                if (!(item instanceof String text) || text.indexOf('=') < 1) {
                    throw invalid(name + " must be an object or a list of \"key=value\" strings");
                }
                int eq = text.indexOf('=');
                put(pairs, name, text.substring(0, eq), text.substring(eq + 1));
            }
        } else {
            throw invalid(name + " must be an object or a list of \"key=value\" strings");
        }
        return Optional.of(pairs);
    }

    private Object take(String name) {
        read.add(name);
        return values.get(name);
    }

    private static void split(String text, List<String> into) {
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                into.add(part.trim());
            }
        }
    }

    private static void put(Map<String, String> pairs, String name, String key, String value) {
        if (pairs.put(key, value) != null) {
            throw invalid(name + " gives " + key + " twice");
        }
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger;
    }

    private static String kind(Object v) {
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return "a string";
    }

    /** The value as the caller wrote it, short, for a message; never a secret (no credentials go through here). */
    private static String shown(Object v) {
        String text = v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
        return text.length() > 64 ? text.substring(0, 61) + "..." : text;
    }

    private static KeyManagementException invalid(String message) {
        return KeyManagementException.invalid(message);
    }
}
