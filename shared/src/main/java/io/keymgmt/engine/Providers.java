package io.keymgmt.engine;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.kms.KmsProviderType;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** KMS provider operations of the API: create or update, read, list, delete. */
public final class Providers {

    /** What a write to {@code kms/:name} carries, parsed; absent fields are left as they are. */
    private record WriteProvider(Optional<String> provider, Optional<String> keyCollection,
            Optional<Map<String, String>> credentials) {

        static WriteProvider from(Parameters parameters) {
            return new WriteProvider(parameters.text("provider"), parameters.text("key_collection"),
                    parameters.keyValuePairs("credentials"));
        }
    }

    private static final int MAX_ATTEMPTS = 5;

    private final ProviderStore store;
    private final ProviderCredentialSealing sealing;
    private final VaultAccess vaults;
    private final Clock clock;

    Providers(ProviderStore store, ProviderCredentialSealing sealing, VaultAccess vaults, Clock clock) {
        this.store = store;
        this.sealing = sealing;
        this.vaults = vaults;
        this.clock = clock;
    }

    /**
     * Creates the provider, or updates its credentials. provider and key_collection cannot change.
     * The configuration is checked without calling Azure: credentials must resolve under the
     * precedence rule (a tenant id is always needed) and the vault must have a URL in its cloud.
     *
     * @param parameters {@code provider}, {@code key_collection}, {@code credentials}
     */
    public Written write(String name, Parameters parameters) {
        return Boundary.call(() -> {
            Names.requireProviderName(name);
            WriteProvider request = WriteProvider.from(parameters);
            writeParsed(name, request);
            return new Written(parameters.warnings());
        });
    }

    private void writeParsed(String name, WriteProvider request) {
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<KmsProvider>> existing = store.find(name);
            try {
                if (existing.isEmpty()) {
                    create(name, request);
                } else {
                    update(existing.get(), request);
                }
                vaults.forget(name);
                return;
            } catch (ConcurrentUpdateException | AlreadyExistsException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("KMS provider \"" + name
                            + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    public KmsProvider read(String name) {
        return Boundary.call(() -> {
            Names.requireProviderName(name);
            return store.find(name).map(Stored::value).orElseThrow(() ->
                    KeyManagementException.notFound("KMS provider \"" + name + "\" not found"));
        });
    }

    public List<String> list() {
        return Boundary.call(store::listNames);
    }

    /** Deletes a provider that holds no keys. Deleting a missing provider succeeds. */
    public void delete(String name) {
        Boundary.run(() -> deleteChecked(name));
    }

    private void deleteChecked(String name) {
        Names.requireProviderName(name);
        for (int attempt = 1; ; attempt++) {
            Optional<Stored<KmsProvider>> current = store.find(name);
            if (current.isEmpty()) {
                return;
            }
            List<String> keys = store.memberKeys(name);
            if (!keys.isEmpty()) {
                throw stillHoldsKeys(name, keys);
            }
            try {
                store.delete(name, current.get().etag());
                vaults.forget(name);
                return;
            } catch (ConcurrentUpdateException | StillReferencedException e) {
                // A key joined between our check and the delete; the next round reports it.
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("KMS provider \"" + name
                            + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    private static KeyManagementException stillHoldsKeys(String name, List<String> keys) {
        return KeyManagementException.invalid("KMS provider \"" + name + "\" still holds keys "
                + String.join(", ", keys) + ": remove each with DELETE kms/" + name + "/key/<key> first");
    }

    private void create(String name, WriteProvider request) {
        String type = request.provider().orElseThrow(() ->
                KeyManagementException.invalid("missing provider: use provider=azurekeyvault"));
        KmsProviderType providerType = parseType(type);
        String keyCollection = request.keyCollection().orElseThrow(() ->
                KeyManagementException.invalid("missing key_collection: the name of an existing Azure Key Vault"));
        Optional<SealedBlob> sealed;
        try (ProviderCredentials credentials = checked(name, keyCollection, request.credentials().orElse(Map.of()))) {
            sealed = sealing.seal(name, credentials);
        }
        Instant now = now();
        store.create(new KmsProvider(name, providerType, keyCollection, sealed, Optional.empty(), now, now));
    }

    private void update(Stored<KmsProvider> current, WriteProvider request) {
        KmsProvider provider = current.value();
        if (request.provider().isPresent() && parseType(request.provider().get()) != provider.type()) {
            throw KeyManagementException.invalid("provider cannot be changed after creation: KMS provider \""
                    + provider.name() + "\" is " + provider.type().wireName());
        }
        if (request.keyCollection().isPresent() && !request.keyCollection().get().equals(provider.keyCollection())) {
            throw KeyManagementException.invalid("key_collection cannot be changed after creation: KMS provider \""
                    + provider.name() + "\" uses " + provider.keyCollection()
                    + "; create another provider for another vault");
        }
        if (request.credentials().isEmpty()) {
            return;
        }
        Optional<SealedBlob> sealed;
        try (ProviderCredentials credentials = checked(provider.name(), provider.keyCollection(),
                request.credentials().get())) {
            sealed = sealing.seal(provider.name(), credentials);
        }
        store.replace(provider.withCredentials(sealed, now()), current.etag());
    }

    /** Parses and checks credentials; the caller closes them. */
    private ProviderCredentials checked(String name, String keyCollection, Map<String, String> credentials) {
        ProviderCredentials parsed;
        try {
            parsed = ProviderCredentials.of(credentials);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid("credentials: " + e.getMessage());
        }
        try {
            vaults.check(name, keyCollection, parsed);
            return parsed;
        } catch (RuntimeException e) {
            parsed.close();
            throw e;
        }
    }

    private static KmsProviderType parseType(String type) {
        try {
            return KmsProviderType.parseSupported(type);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid(e.getMessage());
        }
    }

    private Instant now() {
        return clock.instant();
    }
}
