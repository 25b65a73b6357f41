package io.keymgmt.http.routes;

import java.util.List;
import java.util.Locale;

/**
 * The function apps the product is deployed as, each with its own managed identity. This is the one
 * place that says which Key Vault key permissions each app's identity needs in the target vaults:
 * the deployment grants exactly these, and the least-privilege tests run each app with exactly these.
 * Which routes each app serves is in {@link Routes}.
 */
public enum FunctionApp {

    /** Configures KMS providers; it never calls a target vault (credentials are checked offline). */
    PROVIDER_CONFIGURATION("provider-configuration", List.of()),
    /**
     * Creates keys, distributes them, rotates by hand, applies min_enabled_version; list finds an import
     * a crash left unrecorded, so it is adopted instead of imported twice.
     */
    KEY_DISTRIBUTION("key-distribution", List.of("create", "get", "import", "update", "list")),
    /** Removes keys from vaults and deletes keys and providers; removal is a soft delete and nothing more. */
    DELETION("deletion", List.of("delete")),
    /** Rotates on a schedule and brings distributions up to date from the queue. */
    ROTATION("rotation", List.of("create", "get", "import", "update", "list"));

    private final String id;
    private final List<String> keyVaultKeyPermissions;

    FunctionApp(String id, List<String> keyVaultKeyPermissions) {
        this.id = id;
        this.keyVaultKeyPermissions = List.copyOf(keyVaultKeyPermissions);
    }

    /** The app's short name: its module folder under functions/, and the tail of its artifact and app names. */
    public String id() {
        return id;
    }

    /** The Function App's name in packaging: the Maven artifact id and the folder under target/azure-functions. */
    public String appName() {
        return "keymgmt-" + id;
    }

    /**
     * The key permissions (Key Vault access-policy names) the app's identity needs in every target vault:
     * what a Key Vault access policy grants, or what a custom RBAC role's data actions must cover.
     */
    public List<String> keyVaultKeyPermissions() {
        return keyVaultKeyPermissions;
    }

    /**
     * The build property that includes this app's routes in a build ({@code keymgmt.app.<id>=true}):
     * each app's build sets its own, the aggregate server sets all four.
     */
    public String buildProperty() {
        return "keymgmt.app." + id;
    }

    public static FunctionApp fromId(String id) {
        for (FunctionApp app : values()) {
            if (app.id.equals(id.toLowerCase(Locale.ROOT))) {
                return app;
            }
        }
        throw new IllegalArgumentException("no function app is called \"" + id + "\"; they are "
                + List.of(values()).stream().map(FunctionApp::id).toList());
    }
}
