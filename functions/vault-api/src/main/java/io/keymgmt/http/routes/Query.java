package io.keymgmt.http.routes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request's query parameters as Vault reads them: the first value of each (Go's url.Values.Get),
 * and flags such as {@code list=true} parsed with Go's strconv.ParseBool.
 */
public final class Query {

    private final Map<String, String> first;

    private Query(Map<String, String> first) {
        this.first = first;
    }

    /** @param raw the URI's raw query, or null */
    public static Query parse(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.putIfAbsent(name, value);
            }
        }
        return new Query(values);
    }

    /** The parameter's first value; empty when absent. A parameter without "=" has the value "". */
    public Optional<String> get(String name) {
        return Optional.ofNullable(first.get(name));
    }

    /**
     * A flag: absent or empty is false, otherwise one of Go's forms of a boolean.
     *
     * @throws IllegalArgumentException naming the parameter, for any other value
     */
    public boolean flag(String name) {
        String value = first.get(name);
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException(name + " must be a boolean (true or false), got \"" + value
                    + "\"");
        };
    }
}
