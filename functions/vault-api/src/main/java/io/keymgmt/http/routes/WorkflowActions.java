package io.keymgmt.http.routes;

import static io.keymgmt.http.routes.FieldType.COMMA_STRING_SLICE;
import static io.keymgmt.http.routes.FieldType.STRING;
import static io.keymgmt.http.routes.FunctionApp.DELETION;
import static io.keymgmt.http.routes.FunctionApp.KEY_DISTRIBUTION;
import static io.keymgmt.http.routes.FunctionApp.PROVIDER_CONFIGURATION;

import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.keys.Protection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The actions workflows call, outside Vault's API: plain JSON in and out, long work as operations to
 * poll (202 with Location and Retry-After), retries made safe by an Idempotency-Key header. Each is
 * served by the function app whose identity holds the permissions it needs.
 */
public final class WorkflowActions {

    /** Where the actions live: not below a Vault mount, since they do not speak Vault's API. */
    public static final String ROOT = "/actions";
    /** The status of an operation a long action started: GET {@value}/{id}. */
    public static final String OPERATIONS = ROOT + "/operations";
    /** The header a workflow sends so that a retried request finds the operation its first try started. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The apps that record operations, and so answer their polls. */
    public static final Set<FunctionApp> OPERATION_APPS = Set.of(KEY_DISTRIBUTION, DELETION);

    private static final Parameter KEY = new Parameter("key", STRING, true, "The name of the key.", List.of(),
            Optional.empty());
    private static final Parameter PROVIDER = new Parameter("provider", STRING, true, "The name of the KMS provider "
            + "(one Azure Key Vault).", List.of(), Optional.empty());

    private static final List<WorkflowAction> ALL = List.of(
            new WorkflowAction("rotate-key", KEY_DISTRIBUTION, ApiRole.OPERATOR, true, "Rotate a key: add one version and import it "
                    + "into every vault the key is in.", List.of(KEY)),
            new WorkflowAction("distribute-key", KEY_DISTRIBUTION, ApiRole.OPERATOR, true, "Distribute a key to a KMS provider: import "
                    + "every version into its vault.", List.of(KEY, PROVIDER,
                    new Parameter("purpose", COMMA_STRING_SLICE, false, "What the key may do in the vault: a list, or a "
                            + "comma-separated string, of " + String.join(", ", Routes.purposes()) + ". Required on the first "
                            + "distribution to the provider; it cannot change later.", Routes.purposes(), Optional.empty()),
                    new Parameter("protection", STRING, false, "hsm (BYOK into an HSM) or software (JWK import). Set on "
                            + "the first distribution only.", Routes.protections(), Optional.of(Protection.DEFAULT.wireName())))),
            new WorkflowAction("remove-key", DELETION, ApiRole.ADMIN, true, "Remove a key from a KMS provider: soft-delete it in the "
                    + "vault; the key stays and can be distributed again.", List.of(KEY, PROVIDER)),
            new WorkflowAction("key-status", KEY_DISTRIBUTION, ApiRole.READER, false, "A key's versions and where each of its "
                    + "distributions stands, with its last error.", List.of(KEY)),
            new WorkflowAction("list-keys", KEY_DISTRIBUTION, ApiRole.READER, false, "The names of all keys.", List.of()),
            new WorkflowAction("list-providers", PROVIDER_CONFIGURATION, ApiRole.READER, false, "The names of all KMS providers.",
                    List.of()));

    private WorkflowActions() {
    }

    public static List<WorkflowAction> all() {
        return ALL;
    }

    public static Optional<WorkflowAction> find(String name) {
        return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Whether any of the apps serves an action (its HTTP function then takes POST). */
    public static boolean anyServedBy(Set<FunctionApp> apps) {
        return ALL.stream().anyMatch(a -> apps.contains(a.app()));
    }

    public static List<String> names() {
        return ALL.stream().map(WorkflowAction::name).toList();
    }
}
