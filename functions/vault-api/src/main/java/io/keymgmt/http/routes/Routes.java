package io.keymgmt.http.routes;

import static io.keymgmt.http.routes.FunctionApp.DELETION;
import static io.keymgmt.http.routes.FunctionApp.KEY_DISTRIBUTION;
import static io.keymgmt.http.routes.FunctionApp.PROVIDER_CONFIGURATION;
import static io.keymgmt.http.routes.Verb.DELETE;
import static io.keymgmt.http.routes.Verb.LIST;
import static io.keymgmt.http.routes.Verb.READ;
import static io.keymgmt.http.routes.Verb.WRITE;

import io.keymgmt.http.routes.Route.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every operation of Vault's keymgmt/ API that this product serves, and which function app serves
 * it. The apps are split by method as well as by path (DELETE goes to the deletion app), so a request
 * is matched on both. The JAX-RS resources implement exactly these (a test holds them to it); the
 * gate in front of them answers for routes that are not this app's.
 */
public final class Routes {

    private static final List<Route> ALL = List.of(
            route(KEY_DISTRIBUTION, LIST, "key", "List keys."),
            route(KEY_DISTRIBUTION, WRITE, "key/{name}", "Create a key, or update an existing key's settings.",
                    param("type", "string", "The key type, set on creation only: rsa-2048 (default), rsa-3072 or "
                            + "rsa-4096."),
                    param("min_enabled_version", "integer", "The oldest version that stays enabled in the vaults "
                            + "and readable here; 0 means all."),
                    param("deletion_allowed", "boolean", "Whether the key may be deleted.")),
            route(KEY_DISTRIBUTION, READ, "key/{name}", "Read a key: its settings and the public key of every "
                    + "enabled version."),
            route(DELETION, DELETE, "key/{name}", "Delete a key that allows deletion and is in no vault."),
            route(KEY_DISTRIBUTION, WRITE, "key/{name}/rotate", "Rotate a key: add a version and import it into "
                    + "every vault the key is in."),
            route(KEY_DISTRIBUTION, LIST, "key/{name}/kms", "List the KMS providers a key is distributed to."),
            route(PROVIDER_CONFIGURATION, LIST, "kms", "List KMS providers."),
            route(PROVIDER_CONFIGURATION, WRITE, "kms/{name}", "Create a KMS provider (one Azure Key Vault), or "
                    + "update its credentials.",
                    required("provider", "string", "The provider type: azurekeyvault. Set on creation only."),
                    required("key_collection", "string", "The name of the Azure Key Vault. Set on creation only."),
                    param("credentials", "object", "tenant_id (required, here or in AZURE_TENANT_ID), client_id, "
                            + "client_secret and environment, as an object or a list of \"key=value\" strings. "
                            + "Without a client secret the function's managed identity is used.")),
            route(PROVIDER_CONFIGURATION, READ, "kms/{name}", "Read a KMS provider (credentials are never "
                    + "returned)."),
            route(DELETION, DELETE, "kms/{name}", "Delete a KMS provider that holds no keys."),
            route(KEY_DISTRIBUTION, LIST, "kms/{name}/key", "List the keys distributed to a KMS provider."),
            route(KEY_DISTRIBUTION, WRITE, "kms/{name}/key/{key_name}", "Distribute a key to a KMS provider: "
                    + "import every version into its vault, then apply min_enabled_version. Repeating it finishes "
                    + "an interrupted distribution.",
                    required("purpose", "string", "What the key may do in the vault: a comma-separated list of "
                            + "encrypt, decrypt, sign, verify, wrap, unwrap. Set on the first distribution only."),
                    param("protection", "string", "hsm (default: BYOK into an HSM) or software (JWK import). Set "
                            + "on the first distribution only.")),
            route(KEY_DISTRIBUTION, READ, "kms/{name}/key/{key_name}", "Read a distribution: the key's name in "
                    + "the vault, the vault's version ids, its state and last error."),
            route(DELETION, DELETE, "kms/{name}/key/{key_name}", "Remove a key from a KMS provider: soft-delete "
                    + "it in the vault; the key stays here and can be distributed again."));

    private Routes() {
    }

    public static List<Route> all() {
        return ALL;
    }

    /** The routes the given apps serve, in catalog order. */
    public static List<Route> servedBy(Set<FunctionApp> apps) {
        return ALL.stream().filter(r -> apps.contains(r.app())).toList();
    }

    /** Every route whose template fits the path, whatever its verb. */
    public static List<Route> matching(List<String> path) {
        List<Route> found = new ArrayList<>();
        for (Route route : ALL) {
            if (route.matches(path)) {
                found.add(route);
            }
        }
        return found;
    }

    /** The route for a verb on a path, if the API has one. */
    public static Optional<Route> find(Verb verb, List<String> path) {
        return matching(path).stream().filter(r -> r.verb() == verb).findFirst();
    }

    private static Route route(FunctionApp app, Verb verb, String template, String summary, Parameter... parameters) {
        return new Route(app, verb, template, summary, List.of(parameters));
    }

    private static Parameter param(String name, String type, String description) {
        return new Parameter(name, type, false, description);
    }

    private static Parameter required(String name, String type, String description) {
        return new Parameter(name, type, true, description);
    }
}
