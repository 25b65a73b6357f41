package io.keymgmt.http.routes;

import java.util.Locale;
import java.util.Optional;

/**
 * What a Vault client asks of a path. Vault has its own verbs: a write is POST or PUT, a list is the
 * LIST method or GET with {@code ?list=true} (the only form Azure Functions can route).
 */
public enum Verb {
    READ,
    LIST,
    WRITE,
    DELETE;

    /** The verb of a request, or empty for a method Vault's API does not use (PATCH, OPTIONS...). */
    public static Optional<Verb> of(String httpMethod, boolean listQuery) {
        return switch (httpMethod.toUpperCase(Locale.ROOT)) {
            case "GET" -> Optional.of(listQuery ? LIST : READ);
            case "LIST" -> Optional.of(LIST);
            case "POST", "PUT" -> Optional.of(WRITE);
            case "DELETE" -> Optional.of(DELETE);
            default -> Optional.empty();
        };
    }

    /** The HTTP methods that carry this verb, Vault's own first. */
    public java.util.List<String> httpMethods() {
        return switch (this) {
            case READ -> java.util.List.of("GET");
            case LIST -> java.util.List.of("LIST", "GET");
            case WRITE -> java.util.List.of("POST", "PUT");
            case DELETE -> java.util.List.of("DELETE");
        };
    }
}
