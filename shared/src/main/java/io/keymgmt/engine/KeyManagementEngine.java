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

    private KeyManagementEngine(Providers providers, Keys keys, Distributions distributions) {
        this.providers = providers;
        this.keys = keys;
        this.distributions = distributions;
    }

    public static KeyManagementEngine create(KeyStore keyStore, ProviderStore providerStore, Sealer sealer,
            VaultConnector vaults, Clock clock) {
        ProviderCredentialSealing credentialSealing = new ProviderCredentialSealing(sealer);
        VaultAccess access = new VaultAccess(credentialSealing, vaults);
        KeyMaterial material = new KeyMaterial(sealer);
        DistributionSync sync = new DistributionSync(keyStore, providerStore, access, material, clock);
        Keys.SyncAll syncAll = new Keys.SyncAll(keyStore, sync);
        return new KeyManagementEngine(
                new Providers(providerStore, credentialSealing, access, clock),
                new Keys(keyStore, material, syncAll, clock),
                new Distributions(keyStore, providerStore, access, sync, clock));
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
}
