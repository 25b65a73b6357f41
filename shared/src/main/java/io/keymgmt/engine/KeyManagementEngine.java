package io.keymgmt.engine;

import io.keymgmt.keyvault.VaultConnector;
import io.keymgmt.seal.Sealer;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.ProviderStore;
import java.time.Clock;

/**
 * The engine: every operation of the API, over its ports (storage, sealing, target vaults) and a
 * clock. It keeps no state between calls beyond caches, so any instance of any function can serve
 * any request. Every public operation fails only with {@link KeyManagementException}.
 */
public final class KeyManagementEngine {

    private final Providers providers;
    private final Keys keys;
    private final Distributions distributions;
    private final Rotations rotations;

    private KeyManagementEngine(Providers providers, Keys keys, Distributions distributions, Rotations rotations) {
        this.providers = providers;
        this.keys = keys;
        this.distributions = distributions;
        this.rotations = rotations;
    }

    public static KeyManagementEngine create(KeyStore keyStore, ProviderStore providerStore, Sealer sealer,
            VaultConnector vaults, Clock clock) {
        return create(keyStore, providerStore, sealer, vaults, clock, EngineSettings.defaults());
    }

    public static KeyManagementEngine create(KeyStore keyStore, ProviderStore providerStore, Sealer sealer,
            VaultConnector vaults, Clock clock, EngineSettings settings) {
        ProviderCredentialSealing credentialSealing = new ProviderCredentialSealing(sealer);
        VaultAccess access = new VaultAccess(credentialSealing, vaults);
        KeyMaterial material = new KeyMaterial(sealer);
        DistributionSync sync = new DistributionSync(keyStore, providerStore, access, material, clock, settings);
        Keys.SyncAll syncAll = new Keys.SyncAll(keyStore, sync);
        Keys keys = new Keys(keyStore, material, syncAll, clock, settings);
        Distributions distributions = new Distributions(keyStore, providerStore, access, sync, clock);
        return new KeyManagementEngine(
                new Providers(providerStore, credentialSealing, access, clock),
                keys, distributions, new Rotations(keyStore, keys, distributions, settings));
    }

    public Providers providers() {
        return providers;
    }

    public Keys keys() {
        return keys;
    }

    public Distributions distributions() {
        return distributions;
    }

    /** Scheduled rotation and the reconciler: what the timer queues and what the queue function does. */
    public Rotations rotations() {
        return rotations;
    }
}
