package io.keymgmt.engine;

import io.keymgmt.keyvault.VaultConnector;
import io.keymgmt.seal.Sealer;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.OperationStore;
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
    private final Operations operations;
    private final WorkflowReads workflowReads;

    private KeyManagementEngine(Providers providers, Keys keys, Distributions distributions, Rotations rotations,
            Operations operations, WorkflowReads workflowReads) {
        this.providers = providers;
        this.keys = keys;
        this.distributions = distributions;
        this.rotations = rotations;
        this.operations = operations;
        this.workflowReads = workflowReads;
    }

    public static KeyManagementEngine create(KeyStore keyStore, ProviderStore providerStore,
            OperationStore operationStore, Sealer sealer, VaultConnector vaults, Clock clock) {
        return create(keyStore, providerStore, operationStore, sealer, vaults, clock, EngineSettings.defaults());
    }

    public static KeyManagementEngine create(KeyStore keyStore, ProviderStore providerStore,
            OperationStore operationStore, Sealer sealer, VaultConnector vaults, Clock clock, EngineSettings settings) {
        ProviderCredentialSealing credentialSealing = new ProviderCredentialSealing(sealer);
        VaultAccess access = new VaultAccess(credentialSealing, vaults);
        KeyMaterial material = new KeyMaterial(sealer);
        DistributionSync sync = new DistributionSync(keyStore, providerStore, access, material, clock, settings);
        Keys.SyncAll syncAll = new Keys.SyncAll(keyStore, sync);
        Keys keys = new Keys(keyStore, material, syncAll, clock, settings);
        Distributions distributions = new Distributions(keyStore, providerStore, access, sync, clock);
        Operations operations = new Operations(operationStore, keyStore, providerStore, keys, distributions, clock,
                settings.operationRetention());
        Providers providers = new Providers(providerStore, credentialSealing, access, clock);
        return new KeyManagementEngine(providers, keys, distributions,
                new Rotations(keyStore, keys, distributions, settings, operations), operations,
                new WorkflowReads(keys, providers, keyStore));
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

    /** Long actions workflows start, recorded so that any instance reports on them; done from the queue. */
    public Operations operations() {
        return operations;
    }

    /** The reads workflows call, with strict request bodies. */
    public WorkflowReads workflowReads() {
        return workflowReads;
    }
}
