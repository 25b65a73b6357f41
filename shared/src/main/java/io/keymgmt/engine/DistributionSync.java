package io.keymgmt.engine;

import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.keyvault.ImportedKeyVersion;
import io.keymgmt.keyvault.KeyVaultException;
import io.keymgmt.keyvault.TargetVault;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.seal.SealingException;
import io.keymgmt.secrets.SecretBytes;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.Stored;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings one distribution up to date with its key: imports the versions the vault lacks, oldest
 * first, then sets each version's enabled flag from min_enabled_version. Every step is recorded
 * before the next, so the same call after a crash or an Azure failure picks up where this one
 * stopped. Distribute, rotate and update all end here; so will the reconciler.
 */
final class DistributionSync {

    /** The key exchange key this engine keeps in each vault for BYOK; reused, never deleted. */
    static final String KEY_EXCHANGE_KEY_NAME = "keymgmt-byok-kek";
    static final int KEY_EXCHANGE_KEY_BITS = 4096;
    /** The blob's informational "generator": who wrapped it, and that the key came from software. */
    static final String GENERATOR = "keymgmt engine; software key, wrapped with JDK JCA (no source HSM)";
    private static final int MAX_NAME_ATTEMPTS = 3;
    private static final int MAX_RECORD_ATTEMPTS = 5;

    private final KeyStore keys;
    private final ProviderStore providers;
    private final VaultAccess vaults;
    private final KeyMaterial material;
    private final Clock clock;
    private final EngineSettings settings;

    DistributionSync(KeyStore keys, ProviderStore providers, VaultAccess vaults, KeyMaterial material,
            Clock clock, EngineSettings settings) {
        this.keys = keys;
        this.providers = providers;
        this.vaults = vaults;
        this.material = material;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Brings the distribution up to {@code key} as the caller read it. When another instance (the
     * rotation worker, a repeated request) writes the distribution between our read and our write,
     * its work is kept and ours goes on from it, so a caller does not see a conflict for a race the
     * engine can settle.
     *
     * @throws KeyManagementException when Azure refuses or fails; the distribution records the error
     */
    Stored<Distribution> sync(ManagedKey key, Stored<Distribution> start) {
        Stored<Distribution> current = start;
        for (int attempt = 1; ; attempt++) {
            try {
                return syncOnce(key, current);
            } catch (LostRace e) {
                Distribution ours = current.value();
                current = keys.distribution(ours.keyName(), ours.providerName()).orElseThrow(() ->
                        KeyManagementException.conflict("the distribution of key \"" + ours.keyName() + "\" to \""
                                + ours.providerName() + "\" was removed while it was being updated"));
                Distribution theirs = current.value();
                if (theirs.state() == DistributionState.REMOVING) {
                    throw KeyManagementException.conflict("key \"" + ours.keyName() + "\" is being removed from KMS "
                            + "provider \"" + ours.providerName() + "\"; it was not distributed");
                }
                if (settledBeyond(theirs, key)) {
                    return current;
                }
                if (attempt >= MAX_RECORD_ATTEMPTS) {
                    throw KeyManagementException.conflict("the distribution of key \"" + ours.keyName() + "\" to \""
                            + ours.providerName() + "\" was changed by other requests " + attempt
                            + " times while this one worked on it; retry");
                }
            }
        }
    }

    /**
     * Whether the distribution another instance wrote already holds everything {@code key} asks for:
     * done, or every version in and a newer one being imported by that instance.
     */
    private static boolean settledBeyond(Distribution theirs, ManagedKey key) {
        boolean done = theirs.state() == DistributionState.ACTIVE
                && !theirs.isBehind(key.latestVersion(), key.minEnabledVersion());
        boolean overtaken = theirs.missingVersions(key.latestVersion()).isEmpty()
                && theirs.importingVersion() > key.latestVersion();
        return done || overtaken;
    }

    private Stored<Distribution> syncOnce(ManagedKey key, Stored<Distribution> start) {
        Stored<Distribution> current = start;
        String providerName = start.value().providerName();
        try {
            Stored<KmsProvider> provider = providers.find(providerName).orElseThrow(() -> KeyManagementException
                    .conflict("KMS provider \"" + providerName + "\" no longer exists"));
            if (current.value().state() == DistributionState.DISTRIBUTING
                    && !providers.memberKeys(providerName).contains(key.name())) {
                // A crash between recording the distribution and its membership: Azure is touched only
                // once the provider counts the key, or the provider could be deleted with it in its vault.
                Memberships.join(providers, providerName, key.name());
            }
            TargetVault vault = vaults.open(provider.value());
            if (current.value().azureVersions().isEmpty()) {
                // Nothing imported yet: versions go in with their final enabled flag, so there is
                // nothing to re-apply afterwards.
                current = new Stored<>(current.value().withAppliedMinEnabledVersion(key.minEnabledVersion(), now()),
                        current.etag());
            }
            List<Integer> missing = current.value().missingVersions(key.latestVersion());
            if (!missing.isEmpty()) {
                Optional<KeyExchangeKey> kek = current.value().protection() == Protection.HSM
                        ? Optional.of(keyExchangeKey(provider, vault))
                        : Optional.empty();
                for (int number : missing) {
                    Optional<Stored<Distribution>> adopted = adopt(key, current, vault, number);
                    if (adopted.isPresent()) {
                        current = adopted.get();
                        continue;
                    }
                    if (current.value().importingVersion() != number) {
                        // The intent first: if we crash after Azure accepts the import, the next attempt
                        // looks for the version in the vault instead of importing it again.
                        current = record(current.value().withImporting(number, now()), current.etag());
                    }
                    for (int name = 1; ; name++) {
                        try {
                            current = importVersion(key, current, vault, kek, number);
                            break;
                        } catch (KeyVaultException e) {
                            // A name still held by a soft-deleted key (a redistribution within the same
                            // second as a removal) can only be avoided with a new name, and only before
                            // the first import. Renamed here, so a failure is recorded on top of it.
                            Distribution d = current.value();
                            boolean renameable = e.reason() == KeyVaultException.Reason.CONFLICT
                                    && d.azureVersions().isEmpty();
                            if (!renameable || name >= MAX_NAME_ATTEMPTS) {
                                throw e;
                            }
                            current = record(d.withAzureKeyName(Names.azureKeyName(key.name(),
                                    nextTimestamp(d.azureKeyName())), now()), current.etag());
                        }
                    }
                }
            }
            applyEnabledFlags(key, current.value(), vault);
            Distribution done = current.value().withState(DistributionState.ACTIVE, now())
                    .withAppliedMinEnabledVersion(key.minEnabledVersion(), now())
                    .withSuccess(now());
            return record(done, current.etag());
        } catch (KeyVaultException e) {
            KeyManagementException explained = AzureFaults.explain(providerName, e);
            recordError(current, explained.getMessage());
            throw explained;
        } catch (KeyManagementException e) {
            // Not Azure's doing (the provider is gone, a version is missing, a lost race): recorded too,
            // so the read says why and the reconciler backs off instead of queueing it at every firing.
            recordError(current, e.getMessage());
            throw e;
        } catch (SealingException e) {
            recordError(current, "the sealing key could not be used: " + e.getMessage());
            throw e;
        }
    }

    /**
     * An import of {@code number} that was started and never recorded: a crash may have come after Azure
     * accepted it. The version is found by the tags it was written with and adopted, so the vault never
     * holds a version our records do not know.
     */
    private Optional<Stored<Distribution>> adopt(ManagedKey key, Stored<Distribution> current, TargetVault vault,
            int number) {
        Distribution d = current.value();
        if (d.importingVersion() != number) {
            return Optional.empty();
        }
        Optional<ImportedKeyVersion> found = vault.findImported(d.azureKeyName(), tags(key.name(), d.azureKeyName(),
                number));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        KeyVersion version = keys.version(key.name(), number).orElseThrow(() -> new KeyManagementException(
                Fault.STORAGE_FAILED, "version " + number + " of key \"" + key.name() + "\" is missing from storage"));
        requireSameKey(version, found.get(), d);
        return Optional.of(recordImport(current, number, found.get().versionId()));
    }

    private Stored<Distribution> importVersion(ManagedKey key, Stored<Distribution> current, TargetVault vault,
            Optional<KeyExchangeKey> kek, int number) {
        KeyVersion version = keys.version(key.name(), number).orElseThrow(() -> new KeyManagementException(
                Fault.STORAGE_FAILED, "version " + number + " of key \"" + key.name() + "\" is missing from storage"));
        Distribution d = current.value();
        List<String> operations = d.purposes().stream().map(KeyPurpose::azureKeyOperation).toList();
        boolean enabled = key.isEnabled(number);
        Map<String, String> tags = tags(key.name(), d.azureKeyName(), number);
        ImportedKeyVersion imported;
        try (SecretBytes pkcs8 = material.unseal(version)) {
            if (kek.isPresent()) {
                KeyTransferBlob blob = KeyTransferBlob.wrap(kek.get(), pkcs8, GENERATOR);
                imported = vault.importHsm(d.azureKeyName(), blob, operations, enabled, tags);
            } else {
                imported = vault.importSoftware(d.azureKeyName(), pkcs8, operations, enabled, tags);
            }
        }
        requireSameKey(version, imported, d);
        return recordImport(current, number, imported.versionId());
    }

    /**
     * Records an imported version. If another instance changed the distribution meanwhile, the
     * version is recorded on top of what it wrote, unless it recorded this version itself (then our
     * import was a duplicate of the same material and is left unreferenced).
     */
    private Stored<Distribution> recordImport(Stored<Distribution> current, int number, String azureVersionId) {
        Stored<Distribution> attempt = current;
        for (int i = 0; i < MAX_RECORD_ATTEMPTS; i++) {
            try {
                return keys.updateDistribution(attempt.value().withImportedVersion(number, azureVersionId, now()),
                        attempt.etag());
            } catch (ConcurrentUpdateException e) {
                Distribution d = attempt.value();
                attempt = keys.distribution(d.keyName(), d.providerName()).orElseThrow(() ->
                        KeyManagementException.conflict("the distribution of key \"" + d.keyName() + "\" to \""
                                + d.providerName() + "\" was removed while it was being updated"));
                if (attempt.value().azureVersions().containsKey(number)) {
                    return attempt;
                }
            }
        }
        throw KeyManagementException.conflict("too many concurrent changes to the distribution of key \""
                + current.value().keyName() + "\"; retry");
    }

    private void applyEnabledFlags(ManagedKey key, Distribution d, TargetVault vault) {
        int applied = Math.max(1, d.appliedMinEnabledVersion());
        for (Map.Entry<Integer, String> version : d.azureVersions().entrySet()) {
            int number = version.getKey();
            boolean was = number >= applied;
            boolean wanted = key.isEnabled(number);
            if (was != wanted) {
                vault.setEnabled(d.azureKeyName(), version.getValue(), wanted);
            }
        }
    }

    private KeyExchangeKey keyExchangeKey(Stored<KmsProvider> provider, TargetVault vault) {
        Optional<String> known = provider.value().keyExchangeKeyId();
        if (known.isPresent()) {
            try {
                return vault.keyExchangeKey(known.get());
            } catch (KeyVaultException e) {
                if (e.reason() != KeyVaultException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        // Another distribution to this vault may have just made one: an HSM key is slow and costly to create.
        Optional<String> meanwhile = providers.find(provider.value().name()).flatMap(p -> p.value().keyExchangeKeyId())
                .filter(kid -> !kid.equals(known.orElse(null)));
        if (meanwhile.isPresent()) {
            try {
                return vault.keyExchangeKey(meanwhile.get());
            } catch (KeyVaultException e) {
                if (e.reason() != KeyVaultException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        KeyExchangeKey created = vault.createKeyExchangeKey(KEY_EXCHANGE_KEY_NAME, KEY_EXCHANGE_KEY_BITS);
        rememberKeyExchangeKey(provider, created.kid());
        return created;
    }

    /** Best effort: when another distribution remembered its KEK first, ours serves this import only. */
    private void rememberKeyExchangeKey(Stored<KmsProvider> provider, String kid) {
        Stored<KmsProvider> attempt = provider;
        for (int i = 0; i < MAX_RECORD_ATTEMPTS; i++) {
            try {
                providers.replace(attempt.value().withKeyExchangeKeyId(kid, now()), attempt.etag());
                return;
            } catch (ConcurrentUpdateException e) {
                Optional<Stored<KmsProvider>> reread = providers.find(provider.value().name());
                if (reread.isEmpty() || reread.get().value().keyExchangeKeyId().isPresent()) {
                    // Gone, or another distribution remembered its own KEK first: ours stays valid for
                    // this import, and later ones use theirs.
                    return;
                }
                attempt = reread.get();
            }
        }
    }

    private static void requireSameKey(KeyVersion version, ImportedKeyVersion imported, Distribution d) {
        RSAPublicKey ours = (RSAPublicKey) PublicKeyPem.parse(version.publicKeyPem());
        if (!ours.getModulus().equals(imported.modulus()) || !ours.getPublicExponent().equals(imported.publicExponent())) {
            throw new KeyManagementException(Fault.AZURE_FAILED, "Key Vault reports a different public key for "
                    + d.azureKeyName() + " (" + imported.kid() + ") than version " + version.number()
                    + " of key \"" + version.keyName() + "\"; the import is not trustworthy");
        }
    }

    private Stored<Distribution> record(Distribution d, String etag) {
        try {
            return keys.updateDistribution(d, etag);
        } catch (ConcurrentUpdateException e) {
            throw new LostRace();
        }
    }

    /** Another instance wrote the distribution first; {@link #sync} re-reads it and goes on from there. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super(null, null, false, false);
        }
    }

    /**
     * Best effort: records why an attempt stopped, for the distribution's read, and when the reconciler
     * may try again (the backoff grows with each failure in a row).
     */
    void recordError(Stored<Distribution> current, String message) {
        try {
            Distribution d = current.value();
            Instant retryAt = now().plus(settings.backoffAfter(d.failedAttempts() + 1));
            keys.updateDistribution(d.withFailure(message, retryAt, now()), current.etag());
        } catch (RuntimeException ignored) {
            // The caller gets the error either way; a lost race here must not hide it.
        }
    }

    private long nextTimestamp(String azureName) {
        long previous = Long.parseLong(azureName.substring(azureName.lastIndexOf('-') + 1));
        return Math.max(now().getEpochSecond(), previous + 1);
    }

    private static Map<String, String> tags(String keyName, String azureName, int version) {
        Map<String, String> tags = new LinkedHashMap<>();
        // Vault tags its keys with key_name; the other two let an operator trace a version back here.
        tags.put("key_name", azureName);
        tags.put("keymgmt_key", keyName);
        tags.put("keymgmt_version", Integer.toString(version));
        return tags;
    }

    private Instant now() {
        return clock.instant();
    }
}
