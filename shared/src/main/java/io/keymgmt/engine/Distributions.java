package io.keymgmt.engine;

import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.keyvault.KeyVaultException;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.Stored;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Distribution operations of the API: distribute a key to a provider, read, list, remove. */
public final class Distributions {

    private static final int MAX_ATTEMPTS = 5;

    private final KeyStore keys;
    private final ProviderStore providers;
    private final VaultAccess vaults;
    private final DistributionSync sync;
    private final Clock clock;

    Distributions(KeyStore keys, ProviderStore providers, VaultAccess vaults, DistributionSync sync, Clock clock) {
        this.keys = keys;
        this.providers = providers;
        this.vaults = vaults;
        this.sync = sync;
        this.clock = clock;
    }

    /**
     * Distributes a key to a provider's vault: every version, oldest first, then min_enabled_version.
     * Repeating the call with the same purpose and protection resumes or re-checks it; purpose and
     * protection cannot change once set. Unlike Vault, a key may be in any number of providers.
     *
     * @param parameters {@code purpose} (required for a new distribution: a comma list or a list),
     *     {@code protection} (hsm, the default, or software)
     */
    public Written distribute(String providerName, String keyName, Parameters parameters) {
        return Boundary.call(() -> {
            Names.requireProviderName(providerName);
            Names.requireKeyName(keyName);
            Optional<Set<KeyPurpose>> purposes = parameters.commaList("purpose").map(Distributions::purposes);
            Optional<Protection> protection = parameters.text("protection").map(Distributions::protection);
            Stored<Distribution> distribution = recorded(providerName, keyName, purposes, protection);
            sync.sync(requireKey(keyName).value(), distribution);
            return new Written(parameters.warnings());
        });
    }

    /**
     * Brings one distribution up to date with its key: imports what the vault lacks and applies
     * min_enabled_version. This is what a queued message or the reconciler calls; a distribution
     * being removed is left to its removal.
     *
     * @return the distribution as it now stands
     */
    public Distribution sync(String providerName, String keyName) {
        return Boundary.call(() -> {
            Names.requireProviderName(providerName);
            Names.requireKeyName(keyName);
            ManagedKey key = requireKey(keyName).value();
            Stored<Distribution> current = keys.distribution(keyName, providerName).orElseThrow(() -> notDistributed(
                    providerName, keyName));
            if (current.value().state() == DistributionState.REMOVING) {
                throw KeyManagementException.conflict("key \"" + keyName + "\" is being removed from KMS provider \""
                        + providerName + "\"; finish the removal (DELETE) instead of syncing it");
            }
            return sync.sync(key, current).value();
        });
    }

    private Stored<Distribution> recorded(String providerName, String keyName, Optional<Set<KeyPurpose>> purposes,
            Optional<Protection> protection) {
        for (int attempt = 1; ; attempt++) {
            Stored<ManagedKey> key = requireKey(keyName);
            Stored<KmsProvider> provider = requireProvider(providerName);
            try {
                key.value().type().requireAzureKeyVaultCompatible();
            } catch (IllegalArgumentException e) {
                throw KeyManagementException.invalid(e.getMessage());
            }
            Optional<Stored<Distribution>> existing = keys.distribution(keyName, providerName);
            try {
                return existing.isPresent()
                        ? resume(existing.get(), purposes, protection)
                        : start(key, provider, purposes, protection);
            } catch (ConcurrentUpdateException | AlreadyExistsException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("key \"" + keyName + "\" or provider \"" + providerName
                            + "\" is being changed by other requests; retry");
                }
            }
        }
    }

    public Distribution read(String providerName, String keyName) {
        return Boundary.call(() -> {
            Names.requireProviderName(providerName);
            Names.requireKeyName(keyName);
            return keys.distribution(keyName, providerName).map(Stored::value)
                    .orElseThrow(() -> notDistributed(providerName, keyName));
        });
    }

    /** Names of the keys in the provider's vault (or on their way in or out). */
    public List<String> keysOf(String providerName) {
        return Boundary.call(() -> {
            Names.requireProviderName(providerName);
            requireProvider(providerName);
            return providers.memberKeys(providerName);
        });
    }

    /**
     * Removes the key from the provider's vault (a soft delete in Azure, so the vault's own recovery
     * still works) and forgets the distribution; the key stays here and can be distributed again.
     * Removing a key that is not there succeeds, so a retried removal is harmless.
     */
    public void remove(String providerName, String keyName) {
        Boundary.run(() -> removeChecked(providerName, keyName));
    }

    private void removeChecked(String providerName, String keyName) {
        Names.requireProviderName(providerName);
        Names.requireKeyName(keyName);
        Optional<Stored<Distribution>> existing = keys.distribution(keyName, providerName);
        if (existing.isEmpty()) {
            // A crash between forgetting the distribution and its membership leaves the latter behind.
            providers.removeMember(providerName, keyName);
            return;
        }
        Stored<Distribution> removing = existing.get();
        if (removing.value().state() != DistributionState.REMOVING) {
            removing = record(removing.value().withState(DistributionState.REMOVING, now()), removing.etag());
        }
        // A provider is deleted only once it holds no keys, and a key joins it before Azure is touched:
        // a distribution outliving its provider (a crash between the two records) has nothing to delete
        // in a vault, and refusing to forget it would keep its key from ever being deleted.
        Optional<Stored<KmsProvider>> provider = providers.find(providerName);
        if (provider.isPresent()) {
            try {
                vaults.open(provider.get().value()).delete(removing.value().azureKeyName());
            } catch (KeyVaultException e) {
                KeyManagementException explained = AzureFaults.explain(providerName, e);
                sync.recordError(removing, explained.getMessage());
                throw explained;
            }
        }
        providers.removeMember(providerName, keyName);
        try {
            keys.deleteDistribution(keyName, providerName, removing.etag());
        } catch (ConcurrentUpdateException e) {
            // Another removal finished first; the key is out of the vault either way.
            if (keys.distribution(keyName, providerName).isPresent()) {
                throw KeyManagementException.conflict("the distribution of key \"" + keyName + "\" to \"" + providerName
                        + "\" changed during its removal; retry");
            }
        }
    }

    private Stored<Distribution> start(Stored<ManagedKey> key, Stored<KmsProvider> provider,
            Optional<Set<KeyPurpose>> purposes, Optional<Protection> protection) {
        if (purposes.isEmpty()) {
            throw KeyManagementException.invalid("missing purpose: give one or more of encrypt, decrypt, sign, verify, wrap, unwrap");
        }
        String providerName = provider.value().name();
        Distribution fresh = Distribution.started(key.value().name(), providerName,
                Names.azureKeyName(key.value().name(), now().getEpochSecond()), purposes.get(),
                protection.orElse(Protection.HSM), now());
        // Order matters for crash safety: the record here first (guarded by the key's ETag, so a
        // concurrent deletion of the key sees it), then the membership (checked against a concurrent
        // deletion of the provider, see Memberships), and only then Azure.
        Stored<Distribution> stored = keys.addDistribution(key.value(), key.etag(), fresh);
        try {
            Memberships.join(providers, providerName, key.value().name());
        } catch (KeyManagementException e) {
            keys.deleteDistribution(key.value().name(), providerName, stored.etag());
            throw e;
        }
        return stored;
    }

    private void addMemberAgain(String providerName, String keyName) {
        if (providers.memberKeys(providerName).contains(keyName)) {
            return;
        }
        Memberships.join(providers, providerName, keyName);
    }

    private Stored<Distribution> resume(Stored<Distribution> existing, Optional<Set<KeyPurpose>> purposes,
            Optional<Protection> protection) {
        Distribution d = existing.value();
        if (d.state() == DistributionState.REMOVING) {
            throw KeyManagementException.conflict("key \"" + d.keyName() + "\" is being removed from KMS provider \""
                    + d.providerName() + "\"; finish the removal (DELETE) before distributing it again");
        }
        boolean samePurposes = purposes.map(p -> p.equals(d.purposes())).orElse(true);
        boolean sameProtection = protection.map(p -> p == d.protection()).orElse(true);
        if (!samePurposes || !sameProtection) {
            throw KeyManagementException.invalid("purpose and protection cannot be changed after the key has been "
                    + "distributed: key \"" + d.keyName() + "\" is in \"" + d.providerName() + "\" with purpose "
                    + String.join(",", d.purposes().stream().map(KeyPurpose::wireName).toList()) + " and protection "
                    + d.protection().wireName() + "; remove it from the provider first to change them");
        }
        // The membership may be missing if a crash came between the two records.
        addMemberAgain(d.providerName(), d.keyName());
        return keys.distribution(d.keyName(), d.providerName()).orElse(existing);
    }

    private static KeyManagementException notDistributed(String providerName, String keyName) {
        return KeyManagementException.notFound("key \"" + keyName + "\" is not distributed to KMS provider \""
                + providerName + "\"");
    }

    static Set<KeyPurpose> purposes(List<String> names) {
        try {
            return KeyPurpose.parseList(names);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid("purpose: " + e.getMessage());
        }
    }

    static Protection protection(String name) {
        try {
            return Protection.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid("protection: " + e.getMessage());
        }
    }

    private Stored<Distribution> record(Distribution d, String etag) {
        try {
            return keys.updateDistribution(d, etag);
        } catch (ConcurrentUpdateException e) {
            throw KeyManagementException.conflict("the distribution of key \"" + d.keyName() + "\" to \""
                    + d.providerName() + "\" was changed by another request; retry");
        }
    }

    private Stored<ManagedKey> requireKey(String name) {
        return keys.find(name).orElseThrow(() -> KeyManagementException.notFound("key \"" + name + "\" not found"));
    }

    private Stored<KmsProvider> requireProvider(String name) {
        return providers.find(name).orElseThrow(() ->
                KeyManagementException.notFound("KMS provider \"" + name + "\" not found"));
    }

    private Instant now() {
        return clock.instant();
    }
}
