package io.keymgmt.testkit.functions;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The part of ASP.NET Core route templates that function routes use: literal segments (matched
 * case-insensitively), {@code {name}} parameters, optional {@code {name?}} or defaulted
 * {@code {name=value}} parameters, and a trailing {@code {*name}} (or {@code {**name}}) catch-all
 * that also matches nothing. Constraints ({@code {id:int}}) are accepted and ignored. Complex
 * segments such as {@code {a}.{b}} are rejected, so a route the double cannot honour fails loudly.
 */
final class RouteTemplate implements Comparable<RouteTemplate> {

    private enum Kind {
        // Declaration order is ASP.NET's precedence: the lower, the more specific.
        LITERAL, PARAMETER, OPTIONAL, CATCH_ALL
    }

    private record Segment(Kind kind, String text, String defaultValue) {
    }

    private final String template;
    private final List<Segment> segments;

    private RouteTemplate(String template, List<Segment> segments) {
        this.template = template;
        this.segments = segments;
    }

    /** Parses {@code prefix} and {@code route} joined as the host joins them ("api" + "/" + route). */
    static RouteTemplate of(String prefix, String route) {
        String joined = trimSlashes(prefix);
        String trimmedRoute = trimSlashes(route.startsWith("~/") ? route.substring(2) : route);
        if (!trimmedRoute.isEmpty()) {
            joined = joined.isEmpty() ? trimmedRoute : joined + "/" + trimmedRoute;
        }
        List<Segment> segments = new ArrayList<>();
        if (!joined.isEmpty()) {
            String[] parts = joined.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                Segment segment = parseSegment(parts[i], joined);
                if (segment.kind() == Kind.CATCH_ALL && i != parts.length - 1) {
                    throw new IllegalArgumentException("a catch-all must be the last segment of route '" + joined + "'");
                }
                segments.add(segment);
            }
        }
        return new RouteTemplate(joined, List.copyOf(segments));
    }

    private static Segment parseSegment(String part, String template) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("route '" + template + "' has an empty segment");
        }
        boolean braced = part.startsWith("{") && part.endsWith("}") && part.length() > 2;
        String inner = braced ? part.substring(1, part.length() - 1) : null;
        if (!braced || inner.contains("{") || inner.contains("}")) {
            if (part.contains("{") || part.contains("}")) {
                throw new IllegalArgumentException("route segment '" + part + "' of '" + template
                        + "' is not supported by the Functions host double (only whole-segment parameters)");
            }
            return new Segment(Kind.LITERAL, percentDecode(part), null);
        }
        if (inner.startsWith("*")) {
            String name = inner.replaceFirst("^\\*{1,2}", "");
            return new Segment(Kind.CATCH_ALL, stripConstraint(name), null);
        }
        String defaultValue = null;
        int equals = inner.indexOf('=');
        if (equals >= 0) {
            defaultValue = inner.substring(equals + 1);
            inner = inner.substring(0, equals);
        }
        boolean optional = inner.endsWith("?");
        if (optional) {
            inner = inner.substring(0, inner.length() - 1);
        }
        Kind kind = optional || defaultValue != null ? Kind.OPTIONAL : Kind.PARAMETER;
        return new Segment(kind, stripConstraint(inner), defaultValue);
    }

    private static String stripConstraint(String name) {
        int colon = name.indexOf(':');
        return colon >= 0 ? name.substring(0, colon) : name;
    }

    /** The route values when {@code rawPath} (as on the request line) matches, else empty. */
    Optional<Map<String, String>> match(String rawPath) {
        List<String> path = pathSegments(rawPath);
        Map<String, String> values = new LinkedHashMap<>();
        int next = 0;
        for (Segment segment : segments) {
            switch (segment.kind()) {
                case LITERAL -> {
                    if (next >= path.size() || !path.get(next).equalsIgnoreCase(segment.text())) {
                        return Optional.empty();
                    }
                    next++;
                }
                case PARAMETER -> {
                    if (next >= path.size() || path.get(next).isEmpty()) {
                        return Optional.empty();
                    }
                    values.put(segment.text(), path.get(next++));
                }
                case OPTIONAL -> {
                    if (next < path.size() && !path.get(next).isEmpty()) {
                        values.put(segment.text(), path.get(next++));
                    } else if (segment.defaultValue() != null) {
                        values.put(segment.text(), segment.defaultValue());
                    }
                }
                case CATCH_ALL -> {
                    String rest = String.join("/", path.subList(next, path.size()));
                    if (!rest.isEmpty()) {
                        values.put(segment.text(), rest);
                    }
                    next = path.size();
                }
            }
        }
        return next == path.size() ? Optional.of(values) : Optional.empty();
    }

    /** More specific first: literals before parameters before optional ones before a catch-all. */
    @Override
    public int compareTo(RouteTemplate other) {
        int shared = Math.min(segments.size(), other.segments.size());
        for (int i = 0; i < shared; i++) {
            int byKind = segments.get(i).kind().compareTo(other.segments.get(i).kind());
            if (byKind != 0) {
                return byKind;
            }
        }
        return Integer.compare(segments.size(), other.segments.size());
    }

    @Override
    public String toString() {
        return template;
    }

    /** Splits a raw request path into percent-decoded segments, ignoring one trailing slash. */
    static List<String> pathSegments(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(path.split("/", -1)).map(RouteTemplate::percentDecode).toList();
    }

    /** Whether {@code rawPath} is under the host's reserved /admin segment. */
    static boolean isAdminPath(String rawPath) {
        List<String> path = pathSegments(rawPath);
        return !path.isEmpty() && path.get(0).toLowerCase(Locale.ROOT).equals("admin");
    }

    /** Percent-decoding for paths: unlike URLDecoder, leaves '+' alone. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int end = raw.indexOf('%', i + 1);
                end = end < 0 ? raw.length() : end;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static String trimSlashes(String value) {
        String result = value == null ? "" : value.trim();
        while (result.startsWith("/")) {
            result = result.substring(1);
        }
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
