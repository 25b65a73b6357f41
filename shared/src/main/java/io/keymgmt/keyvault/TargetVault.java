package io.keymgmt.keyvault;

import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.secrets.SecretBytes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one port through which the engine calls a target Key Vault. Retries, pacing and error
 * translation live behind it. It needs only the key permissions create, get, import, update and
 * delete: the engine keeps its own record of versions, so nothing is ever listed.
 *
 * <p>Every method throws {@link KeyVaultException} when Azure refuses or fails.
 */
public interface TargetVault {

    /**
     * Creates (or adds a version to) an import-only RSA-HSM key exchange key of {@code bits} bits.
     * Permission: create.
     */
    KeyExchangeKey createKeyExchangeKey(String name, int bits);

    /**
     * Reads a key exchange key by its versioned id and checks it is still usable for BYOK (enabled,
     * RSA-HSM, key_ops exactly import). Permission: get.
     *
     * @throws KeyVaultException NOT_FOUND if it is gone or no longer usable
     */
    KeyExchangeKey keyExchangeKey(String kid);

    /**
     * Imports a BYOK transfer blob as a new HSM-protected version of {@code name}, enabled or not from
     * the start. Permission: import.
     */
    ImportedKeyVersion importHsm(String name, KeyTransferBlob blob, List<String> keyOperations, boolean enabled,
            Map<String, String> tags);

    /** Imports an RSA private key (PKCS#8) as a new software-protected version. Permission: import. */
    ImportedKeyVersion importSoftware(String name, SecretBytes pkcs8, List<String> keyOperations, boolean enabled,
            Map<String, String> tags);

    /**
     * The version of {@code name} whose tags include all of {@code tags}, if the vault holds one: how an
     * import that Azure accepted but whose record was lost (a crash in between) is found again.
     * Permissions: list (the versions) and get (its public key). A missing key is an empty answer.
     */
    Optional<ImportedKeyVersion> findImported(String name, Map<String, String> tags);

    /** Enables or disables one version. Permission: update. */
    void setEnabled(String name, String versionId, boolean enabled);

    /**
     * Deletes every version of {@code name} (a soft delete in Azure). A key that is already gone counts
     * as deleted, so a retried removal succeeds. Permission: delete.
     */
    void delete(String name);
}
