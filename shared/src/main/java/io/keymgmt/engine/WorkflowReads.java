package io.keymgmt.engine;

import io.keymgmt.kms.Distribution;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.Stored;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The reads workflows call (Logic Apps actions): a key with where each of its distributions stands,
 * and the names of keys and providers. A workflow's request body is strict: a field the action does
 * not take is refused, since a mistyped field in a workflow would otherwise go unseen.
 */
public final class WorkflowReads {

    /** A key, its visible versions, and each of its distributions with its state and last error. */
    public record KeyStatus(Keys.KeyDetails key, List<Distribution> distributions) {

        public KeyStatus {
            distributions = List.copyOf(distributions);
        }
    }

    private final Keys keys;
    private final Providers providers;
    private final KeyStore keyStore;

    WorkflowReads(Keys keys, Providers providers, KeyStore keyStore) {
        this.keys = keys;
        this.providers = providers;
        this.keyStore = keyStore;
    }

    /**
     * @param body {@code key}, the key's name
     * @throws KeyManagementException INVALID_REQUEST naming the field; NOT_FOUND for a missing key
     */
    public KeyStatus keyStatus(Parameters body) {
        return Boundary.call(() -> {
            String name = Names.requireKeyName(body.text("key").orElseThrow(() -> KeyManagementException.invalid(
                    "key: the name of the key is required")));
            refuseOthers(body, "key-status", "key");
            Keys.KeyDetails details = keys.read(name);
            List<Distribution> distributions = keyStore.distributions(name).stream().map(Stored::value)
                    .sorted(Comparator.comparing(Distribution::providerName)).toList();
            return new KeyStatus(details, distributions);
        });
    }

    /** The names of all keys; an empty list when there are none. */
    public List<String> keys(Parameters body) {
        return Boundary.call(() -> {
            refuseOthers(body, "list-keys", "no fields");
            return keys.list();
        });
    }

    /** The names of all KMS providers; an empty list when there are none. */
    public List<String> providers(Parameters body) {
        return Boundary.call(() -> {
            refuseOthers(body, "list-providers", "no fields");
            return providers.list();
        });
    }

    /** Refuses the fields no read asked for, naming them and what the action takes. */
    static void refuseOthers(Parameters body, String action, String takes) {
        Set<String> unknown = body.unread();
        if (!unknown.isEmpty()) {
            throw KeyManagementException.invalid(String.join(", ", unknown) + ": not a field of " + action
                    + "; it takes " + takes);
        }
    }
}
