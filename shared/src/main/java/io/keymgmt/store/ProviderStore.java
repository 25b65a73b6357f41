package io.keymgmt.store;

import io.keymgmt.kms.KmsProvider;
import java.util.List;
import java.util.Optional;

/**
 * KMS providers and, beside each, the names of the keys distributed to it. The membership lives in the
 * provider's own partition so that "delete a provider only when it holds no keys" and "distribute to
 * an existing provider" are decided by one ETag: adding a member rewrites the provider, so a deletion
 * that read the provider before the member arrived fails its condition.
 */
public interface ProviderStore {

    Optional<Stored<KmsProvider>> find(String name);

    /** Provider names in ascending order. */
    List<String> listNames();

    /** @throws AlreadyExistsException if a provider of that name exists */
    Stored<KmsProvider> create(KmsProvider provider);

    /** @throws ConcurrentUpdateException if the provider changed since {@code etag} was read */
    Stored<KmsProvider> replace(KmsProvider provider, String etag);

    /**
     * Deletes the provider if it is unchanged since {@code etag} was read and holds no keys. A provider
     * that is already gone counts as deleted.
     *
     * @throws ConcurrentUpdateException if it changed (a key may have been added meanwhile)
     * @throws StillReferencedException if keys are still recorded as distributed to it
     */
    void delete(String name, String etag);

    /** Names of the keys recorded as distributed to the provider, in ascending order. */
    List<String> memberKeys(String providerName);

    /**
     * Records that {@code keyName} is distributed to the provider, in one transaction with a rewrite of
     * the provider under {@code providerEtag}. Idempotent: an existing record is kept.
     *
     * @return the provider as rewritten
     * @throws ConcurrentUpdateException if the provider changed or was deleted since it was read
     */
    Stored<KmsProvider> addMember(KmsProvider provider, String providerEtag, String keyName);

    /** Forgets that {@code keyName} is distributed to the provider. Idempotent. */
    void removeMember(String providerName, String keyName);
}
