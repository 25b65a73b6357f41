package io.keymgmt.http.help;

import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Verb;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Vault's operation ids, as sdk/framework constructOperationID makes them for a path without display
 * attributes: the mount type, the operation, and the path's words, lower case and hyphenated
 * ({@code keymgmt-read-key-name}). They do not depend on where the engine is mounted, so a client
 * generated from one mount's document works at another. Request and response schemas are named after
 * them in title case, as Vault does ({@code KeymgmtWriteKeyNameRequest}).
 */
final class OperationIds {

    /** Vault prefixes ids with the mount's plugin type. */
    static final String PREFIX = "keymgmt";

    private OperationIds() {
    }

    static String of(Route route) {
        List<String> parts = new ArrayList<>();
        parts.add(PREFIX);
        parts.add(operation(route.verb()));
        for (String word : route.template().split("[^A-Za-z0-9_]+")) {
            if (!word.isEmpty()) {
                parts.add(word);
            }
        }
        return String.join("-", parts).toLowerCase(Locale.ROOT);
    }

    /** {@code keymgmt-write-key-name} becomes {@code KeymgmtWriteKeyName}, as Vault's hyphenatedToTitleCase. */
    static String titleCase(String operationId) {
        StringBuilder title = new StringBuilder();
        for (String word : operationId.split("-")) {
            if (!word.isEmpty()) {
                title.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return title.toString();
    }

    /** Vault's logical operation names; an update is called "write". */
    private static String operation(Verb verb) {
        return switch (verb) {
            case READ -> "read";
            case LIST -> "list";
            case WRITE -> "write";
            case DELETE -> "delete";
        };
    }
}
