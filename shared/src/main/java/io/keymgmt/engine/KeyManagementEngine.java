package io.keymgmt.engine;

import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.keyvault.KeyVaultConnector;
import io.keymgmt.seal.Sealer;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.ProviderStore;
import java.time.Clock;

/**
 * The engine: every operation of the API, over storage, sealing, credentials and Key Vault. It keeps
 * no state between calls beyond caches, so any instance of any function can serve any request.
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
            CredentialResolver credentials, KeyVaultConnector connector, Clock clock) {
        ProviderCredentialSealing credentialSealing = new ProviderCredentialSealing(sealer);
        VaultAccess vaults = new VaultAccess(credentialSealing, credentials, connector);
        KeyMaterial material = new KeyMaterial(sealer);
        DistributionSync sync = new DistributionSync(keyStore, providerStore, vaults, material, clock);
        Keys.SyncAll syncAll = new Keys.SyncAll(keyStore, sync);
        return new KeyManagementEngine(
                new Providers(providerStore, credentialSealing, vaults, clock),
                new Keys(keyStore, material, syncAll, clock),
                new Distributions(keyStore, providerStore, vaults, sync, clock));
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
