package io.keymgmt.http.routes;

import static io.keymgmt.http.routes.FieldType.BOOL;
import static io.keymgmt.http.routes.FieldType.COMMA_STRING_SLICE;
import static io.keymgmt.http.routes.FieldType.DURATION;
import static io.keymgmt.http.routes.FieldType.INT;
import static io.keymgmt.http.routes.FieldType.KV_PAIRS;
import static io.keymgmt.http.routes.FieldType.STRING;
import static io.keymgmt.http.routes.FieldType.TIME;
import static io.keymgmt.http.routes.FunctionApp.DELETION;
import static io.keymgmt.http.routes.FunctionApp.KEY_DISTRIBUTION;
import static io.keymgmt.http.routes.FunctionApp.PROVIDER_CONFIGURATION;
import static io.keymgmt.http.routes.Verb.DELETE;
import static io.keymgmt.http.routes.Verb.LIST;
import static io.keymgmt.http.routes.Verb.READ;
import static io.keymgmt.http.routes.Verb.WRITE;

import io.keymgmt.http.routes.Route.Field;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.Protection;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProviderType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every operation of Vault's keymgmt/ API that this product serves, and which function app serves
 * it. The apps are split by method as well as by path (DELETE goes to the deletion app), so a request
 * is matched on both. The JAX-RS resources implement exactly these (a test holds them to it); the
 * gate in front of them answers for routes that are not this app's. What Vault users read about the
 * API, its path help and its OpenAPI document, is built from this catalog and {@link #paths()}.
 */
public final class Routes {

    private static final List<Route> ALL = List.of(
            route(KEY_DISTRIBUTION, LIST, "key", "List keys."),
            route(KEY_DISTRIBUTION, WRITE, "key/{name}", "Create a key, or update an existing key's settings.",
                    param("type", STRING, "The key type, set on creation only: rsa-2048 (default), rsa-3072 or "
                            + "rsa-4096.", rsaKeyTypes(), KeyType.RSA_2048.wireName()),
                    param("min_enabled_version", INT, "The oldest version that stays enabled in the vaults "
                            + "and readable here; 0 means all.", List.of(), "0"),
                    param("deletion_allowed", BOOL, "Whether the key may be deleted.", List.of(), "false"),
                    param("auto_rotate_period", DURATION, "How long after its latest version the key is rotated "
                            + "by itself, in every vault it is in: seconds, or a duration such as \"720h\" or "
                            + "\"30d\"; 0 turns it off. Shorter periods than the server's minimum are refused.",
                            List.of(), "0")),
            read(KEY_DISTRIBUTION, "key/{name}", "Read a key: its settings and the public key of every "
                    + "enabled version.",
                    field("auto_rotate_period", INT, "Seconds after the latest version at which the key rotates by "
                            + "itself; 0 when it does not."),
                    field("deletion_allowed", BOOL, "Whether the key may be deleted."),
                    field("last_rotated", TIME, "When the latest version was created (RFC 3339, UTC)."),
                    field("latest_version", INT, "The newest version's number."),
                    field("min_enabled_version", INT, "The oldest version that is enabled and shown; 1 when all "
                            + "are."),
                    field("name", STRING, "The key's name."),
                    new Field("next_rotation", TIME, true, "When the key rotates by itself next (RFC 3339, UTC); null "
                            + "when auto_rotate_period is 0.", List.of()),
                    field("type", STRING, "The key type: rsa-2048, rsa-3072 or rsa-4096."),
                    map("versions", "The versions from min_enabled_version on, by version number.",
                            field("creation_time", TIME, "When the version was created (RFC 3339, UTC)."),
                            field("public_key", STRING, "The version's RSA public key as PEM (BEGIN PUBLIC KEY)."))),
            route(DELETION, DELETE, "key/{name}", "Delete a key that allows deletion and is in no vault."),
            route(KEY_DISTRIBUTION, WRITE, "key/{name}/rotate", "Rotate a key: add a version and import it into "
                    + "every vault the key is in."),
            route(KEY_DISTRIBUTION, LIST, "key/{name}/kms", "List the KMS providers a key is distributed to."),
            route(PROVIDER_CONFIGURATION, LIST, "kms", "List KMS providers."),
            route(PROVIDER_CONFIGURATION, WRITE, "kms/{name}", "Create a KMS provider (one Azure Key Vault), or "
                    + "update its credentials.",
                    required("provider", STRING, "The provider type: azurekeyvault. Set on creation only.",
                            List.of(KmsProviderType.AZURE_KEY_VAULT.wireName())),
                    required("key_collection", STRING, "The name of the Azure Key Vault. Set on creation only.",
                            List.of()),
                    param("credentials", KV_PAIRS, "tenant_id (required, here or in AZURE_TENANT_ID), client_id, "
                            + "client_secret and environment, as an object or a list of \"key=value\" strings. "
                            + "Without a client secret the function's managed identity is used.", List.of(), null)),
            read(PROVIDER_CONFIGURATION, "kms/{name}", "Read a KMS provider (credentials are never returned).",
                    field("key_collection", STRING, "The name of the Azure Key Vault."),
                    field("provider", STRING, "The provider type: azurekeyvault.")),
            route(DELETION, DELETE, "kms/{name}", "Delete a KMS provider that holds no keys."),
            route(KEY_DISTRIBUTION, LIST, "kms/{name}/key", "List the keys distributed to a KMS provider."),
            route(KEY_DISTRIBUTION, WRITE, "kms/{name}/key/{key_name}", "Distribute a key to a KMS provider: "
                    + "import every version into its vault, then apply min_enabled_version. Repeating it finishes "
                    + "an interrupted distribution.",
                    required("purpose", COMMA_STRING_SLICE, "What the key may do in the vault: a list, or a "
                            + "comma-separated string, of encrypt, decrypt, sign, verify, wrap, unwrap. Set on the "
                            + "first distribution only.", purposes()),
                    param("protection", STRING, "hsm (default: BYOK into an HSM) or software (JWK import). Set "
                            + "on the first distribution only.", protections(), Protection.DEFAULT.wireName())),
            read(KEY_DISTRIBUTION, "kms/{name}/key/{key_name}", "Read a distribution: the key's name in "
                    + "the vault, the vault's version ids, its state and last error.",
                    field("name", STRING, "The key's name in the vault: its name made Azure-safe, \"-\" and a unix "
                            + "timestamp."),
                    field("protection", STRING, "hsm or software."),
                    field("purpose", STRING, "The purposes, comma-separated."),
                    map("versions", "The vault's version id (32 hex digits) of each version, by version number."),
                    field("state", STRING, "Where the distribution stands: " + String.join(", ", states()) + "."),
                    new Field("last_error", STRING, true, "Why the distribution last stopped short, or null.",
                            List.of())),
            route(DELETION, DELETE, "kms/{name}/key/{key_name}", "Remove a key from a KMS provider: soft-delete "
                    + "it in the vault; the key stays here and can be distributed again."));

    private static final Parameter KEY_NAME = pathParameter("name", "Name of the key.");
    private static final Parameter PROVIDER_NAME = pathParameter("name", "Name of the KMS provider.");

    /** One entry per template of {@link #ALL}: Vault's per-path synopsis and description. */
    private static final List<RoutePath> PATHS = List.of(
            new RoutePath("key", "List the keys of this engine.", """
                    Lists the names of the keys the engine holds, whether or not they are distributed. An engine \
                    without keys answers 404 with no errors, as Vault does for an empty list.""", List.of()),
            new RoutePath("key/{name}", "Create, read, update or delete a key.", """
                    A key is an RSA key (rsa-2048, rsa-3072 or rsa-4096) generated here, every version sealed in \
                    Table Storage. Writing a new name creates the key with the given type; writing an existing \
                    key updates min_enabled_version (versions below it are disabled in every vault the key is in \
                    and hidden from the read) and deletion_allowed; type cannot change. A key can be deleted only \
                    with deletion_allowed=true and when it is in no vault.""", List.of(KEY_NAME)),
            new RoutePath("key/{name}/rotate", "Rotate a key.", """
                    Creates a new version of the key with new key material and imports it into every vault the \
                    key is distributed to, where it becomes the current version.""", List.of(KEY_NAME)),
            new RoutePath("key/{name}/kms", "List the KMS providers a key is distributed to.", """
                    Lists the KMS providers that hold the key. Beyond Vault, a key may be in any number of \
                    providers.""", List.of(KEY_NAME)),
            new RoutePath("kms", "List the KMS providers.", """
                    Lists the names of the configured KMS providers, each one Azure Key Vault.""", List.of()),
            new RoutePath("kms/{name}", "Create, read, update or delete a KMS provider.", """
                    A KMS provider is one Azure Key Vault (key_collection) and the credentials to reach it. \
                    provider and key_collection cannot change; writing again updates the credentials, which are \
                    stored only sealed and never returned. As in Vault, the environment variables \
                    AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_ENVIRONMENT take precedence \
                    over credentials, unless keymgmt.azure.credential-precedence=provider-first. A provider can \
                    be deleted only when it holds no keys.""", List.of(PROVIDER_NAME)),
            new RoutePath("kms/{name}/key", "List the keys distributed to a KMS provider.", """
                    Lists the names of the keys the provider's vault holds.""", List.of(PROVIDER_NAME)),
            new RoutePath("kms/{name}/key/{key_name}", "Distribute a key to a KMS provider, read or remove it.", """
                    Distributing imports every version of the key into the provider's vault, oldest first, by \
                    BYOK transfer into an HSM (protection=hsm) or JWK import (software), under the key's name made \
                    Azure-safe plus "-" and a unix timestamp, then disables the versions below \
                    min_enabled_version. purpose and protection cannot change after the first distribution. \
                    Removing soft-deletes the key in the vault; the key stays here and a later distribution \
                    imports it again under a new name.""", List.of(PROVIDER_NAME,
                    pathParameter("key_name", "Name of the key."))));

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

    /** What the mount's own help says about the engine (a Vault backend's Help). */
    public static String engineHelp() {
        return """
                The Key Management secrets engine for Azure Key Vault. It generates RSA keys (rsa-2048, rsa-3072, \
                rsa-4096), keeps every version sealed in Table Storage, and distributes a key into the Azure Key \
                Vaults of its KMS providers: by BYOK transfer into an HSM, or by JWK import. It rotates keys in \
                every vault they are in, and enables or disables old versions there with min_enabled_version.""";
    }

    /** Vault's per-path help, one for each template of the catalog, in catalog order. */
    public static List<RoutePath> paths() {
        return PATHS;
    }

    /** What Vault says about the routes on a template. */
    public static RoutePath path(String template) {
        return PATHS.stream().filter(p -> p.template().equals(template)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("the catalog describes no path \"" + template + "\""));
    }

    private static Route route(FunctionApp app, Verb verb, String template, String summary, Parameter... parameters) {
        return new Route(app, verb, template, summary, List.of(parameters));
    }

    private static Route read(FunctionApp app, String template, String summary, Field... data) {
        return new Route(app, READ, template, summary, List.of(), List.of(data));
    }

    private static Parameter param(String name, FieldType type, String description, List<String> allowedValues,
            String defaultValue) {
        return new Parameter(name, type, false, description, allowedValues, Optional.ofNullable(defaultValue));
    }

    private static Parameter required(String name, FieldType type, String description, List<String> allowedValues) {
        return new Parameter(name, type, true, description, allowedValues, Optional.empty());
    }

    private static Parameter pathParameter(String name, String description) {
        return new Parameter(name, STRING, true, description, List.of(), Optional.empty());
    }

    private static Field field(String name, FieldType type, String description) {
        return new Field(name, type, false, description, List.of());
    }

    private static Field map(String name, String description, Field... entryFields) {
        return new Field(name, FieldType.MAP, false, description, List.of(entryFields));
    }

    // The accepted values come from the engine's own enums, so the description follows the engine.

    private static List<String> rsaKeyTypes() {
        return Arrays.stream(KeyType.values()).filter(KeyType::isRsa).map(KeyType::wireName).toList();
    }

    static List<String> purposes() {
        return Arrays.stream(KeyPurpose.values()).map(KeyPurpose::wireName).toList();
    }

    static List<String> protections() {
        return Arrays.stream(Protection.values()).map(Protection::wireName).toList();
    }

    private static List<String> states() {
        return Arrays.stream(DistributionState.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
    }
}
