package io.keymgmt.http.routes;

import java.util.List;
import java.util.Optional;

/**
 * One operation of the API: a verb on a path template below the mount ({@code key/{name}}), the
 * function app that serves it, and what a Vault user reads about it: its summary, its body
 * parameters, and for a read the fields of the data it returns. The path help and the OpenAPI
 * document are built from these, so they describe what the code serves.
 *
 * @param template segments separated by '/', a segment in braces is a path parameter
 * @param response for a read, the fields of its {@code data}; empty for the other verbs
 */
public record Route(FunctionApp app, Verb verb, String template, String summary, List<Parameter> parameters,
        List<Field> response) {

    /**
     * A parameter as Vault documents it; the engine reads and checks it.
     *
     * @param allowedValues the values the engine accepts, when it accepts only some (an array's items)
     * @param defaultValue what the engine uses when the parameter is absent, in its wire form
     */
    public record Parameter(String name, FieldType fieldType, boolean required, String description,
            List<String> allowedValues, Optional<String> defaultValue) {

        public Parameter {
            allowedValues = List.copyOf(allowedValues);
        }

        /** A parameter without allowed values or default, its type given as an OpenAPI type name. */
        public Parameter(String name, String type, boolean required, String description) {
            this(name, FieldType.ofOpenApiType(type), required, description, List.of(), Optional.empty());
        }

        /** The OpenAPI type: string, integer, boolean, object or array. */
        public String type() {
            return fieldType.openApiType();
        }
    }

    /**
     * A field of a read's {@code data}, by the name and type the read renders it with
     * (io.keymgmt.http.vault.Renderings).
     *
     * @param nullable whether the field is present with null when there is nothing to say
     * @param entryFields for a {@link FieldType#MAP}, the fields of each entry's object; empty when
     *                    each entry is a string
     */
    public record Field(String name, FieldType type, boolean nullable, String description, List<Field> entryFields) {

        public Field {
            entryFields = List.copyOf(entryFields);
        }
    }

    public Route {
        parameters = List.copyOf(parameters);
        response = List.copyOf(response);
    }

    /**
     * The app role a caller needs for this route: a reader reads and lists; deleting, and configuring
     * providers (their credentials reach every vault), take an admin; every other write an operator.
     */
    public ApiRole requiredRole() {
        return switch (verb) {
            case READ, LIST -> ApiRole.READER;
            case DELETE -> ApiRole.ADMIN;
            case WRITE -> app == FunctionApp.PROVIDER_CONFIGURATION ? ApiRole.ADMIN : ApiRole.OPERATOR;
        };
    }

    /** An operation that returns no data (a write, delete or list). */
    public Route(FunctionApp app, Verb verb, String template, String summary, List<Parameter> parameters) {
        this(app, verb, template, summary, parameters, List.of());
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
