package io.keymgmt.keyvault;

import java.math.BigInteger;
import java.util.List;

/**
 * A key version as Key Vault reports it after an import or a read.
 *
 * @param versionId the last segment of the kid: 32 hex characters
 * @param modulus the RSA modulus Key Vault derived from what it holds; the engine compares it with
 *     the version's public key so a wrong import cannot pass unnoticed
 */
public record ImportedKeyVersion(String kid, String versionId, BigInteger modulus, BigInteger publicExponent,
        boolean enabled, List<String> keyOperations) {
}
