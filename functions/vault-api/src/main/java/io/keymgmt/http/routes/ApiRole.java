package io.keymgmt.http.routes;

import java.util.Optional;

/**
 * The app roles of the API's registration in Entra ID, each including the ones before it: a reader
 * reads and lists; an operator also creates, distributes and rotates keys and calls the workflow
 * actions that do; an admin also deletes and removes, and configures KMS providers. Which role each
 * route needs is in the catalog ({@link Route#requiredRole()}, {@link WorkflowAction#role()}).
 */
public enum ApiRole {
    READER("reader"),
    OPERATOR("operator"),
    ADMIN("admin");

    private final String value;

    ApiRole(String value) {
        this.value = value;
    }

    /** The role's value in the app registration and in a token's roles claim. */
    public String value() {
        return value;
    }

    /** Whether holding this role lets a caller do what {@code needed} allows. */
    public boolean includes(ApiRole needed) {
        return ordinal() >= needed.ordinal();
    }

    /** The role a roles-claim value names; other values (another app's roles) name none. */
    public static Optional<ApiRole> fromValue(String value) {
        for (ApiRole role : values()) {
            if (role.value.equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
