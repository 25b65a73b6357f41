package io.keymgmt.http.routes;

import java.util.List;

/**
 * One operation of the API: a verb on a path template below the mount ({@code key/{name}}), the
 * function app that serves it, and what a Vault user reads about it.
 *
 * @param template segments separated by '/', a segment in braces is a path parameter
 */
public record Route(FunctionApp app, Verb verb, String template, String summary, List<Parameter> parameters) {

    /** A body parameter as Vault documents it; the engine reads and checks it. */
    public record Parameter(String name, String type, boolean required, String description) {
    }

    public Route {
        parameters = List.copyOf(parameters);
    }

    public List<String> segments() {
        return List.of(template.split("/"));
    }

    /** Whether the path (below the mount, split into segments) fits this route's template. */
    public boolean matches(List<String> path) {
        List<String> segments = segments();
        if (segments.size() != path.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            String actual = path.get(i);
            if (isParameter(expected) ? actual.isEmpty() : !expected.equals(actual)) {
                return false;
            }
        }
        return true;
    }

    /** The names of the template's path parameters, in order. */
    public List<String> pathParameters() {
        return segments().stream().filter(Route::isParameter).map(s -> s.substring(1, s.length() - 1)).toList();
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
