package io.keymgmt.kms;

import io.keymgmt.seal.SealedBlob;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A KMS provider: one Azure Key Vault (its name is Vault's {@code key_collection}) and how to reach
 * it. The credentials (tenant, client id and secret, environment) exist here only sealed.
 *
 * @param sealedCredentials absent when the provider was configured without credentials (managed
 *     identity with the tenant from the process environment)
 * @param keyExchangeKeyId the versioned id of the import-only RSA-HSM key this engine created in the
 *     vault for BYOK transfers, reused across distributions; absent until the first HSM distribution
 */
public record KmsProvider(
        String name,
        KmsProviderType type,
        String keyCollection,
        Optional<SealedBlob> sealedCredentials,
        Optional<String> keyExchangeKeyId,
        Instant createdAt,
        Instant updatedAt) {

    public KmsProvider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(keyCollection, "keyCollection");
        Objects.requireNonNull(sealedCredentials, "sealedCredentials");
        Objects.requireNonNull(keyExchangeKeyId, "keyExchangeKeyId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public KmsProvider withCredentials(Optional<SealedBlob> credentials, Instant now) {
        return new KmsProvider(name, type, keyCollection, credentials, keyExchangeKeyId, createdAt, now);
    }

    public KmsProvider withKeyExchangeKeyId(String kid, Instant now) {
        return new KmsProvider(name, type, keyCollection, sealedCredentials, Optional.of(kid), createdAt, now);
    }
}
