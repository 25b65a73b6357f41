package io.keymgmt.keyvault;

import io.keymgmt.credentials.ProviderCredentials;

/**
 * The port through which the engine reaches target vaults: given a provider's vault name
 * ({@code key_collection}) and its credentials, it applies the credentials precedence rule, finds
 * the vault's URL in the resolved cloud and opens it. The engine never sees how an identity is
 * obtained or which HTTP client carries the calls.
 */
public interface VaultConnector {

    /**
     * Checks, without calling Azure, that the vault could be opened with these credentials.
     *
     * @throws IllegalArgumentException naming the setting to change (a missing tenant id, a secret
     *     without a client id, an unknown cloud, a vault name the cloud cannot address)
     */
    void check(String keyCollection, ProviderCredentials credentials);

    /**
     * Opens the vault. Builds clients and credentials only; the first Azure call happens when the
     * returned vault is used. Callers may keep the result: it stays valid for the same inputs.
     *
     * @throws IllegalArgumentException as {@link #check}
     */
    TargetVault open(String keyCollection, ProviderCredentials credentials);
}
