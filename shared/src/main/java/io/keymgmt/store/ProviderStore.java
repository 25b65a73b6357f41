package io.keymgmt.store;

import io.keymgmt.kms.KmsProvider;
import java.util.List;
import java.util.Optional;

/**
 * KMS providers and, beside each, the names of the keys distributed to it. A membership is a record of
 * its own that touches nothing else, so distributions of different keys to one provider never write a
 * shared entity. "Delete a provider only when it holds no keys" still holds against a distribution
 * starting at the same moment: a deletion first marks the provider, then looks for members; a
 * distribution first records its membership, then checks the provider is not marked (and backs out if
 * it is). Whichever order the steps interleave in, one of the two sees the other (docs/adr/0014).
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
     * Deletes the provider if it is unchanged since {@code etag} was read and holds no keys: marks it
     * as being deleted, looks for members, and deletes it only if there are none (else it takes the mark
     * back). A provider that is already gone counts as deleted.
     *
     * @throws ConcurrentUpdateException if it changed since it was read
     * @throws StillReferencedException if keys are recorded as distributed to it
     */
    void delete(String name, String etag);

    /**
     * Whether keys may join the provider: it exists and no deletion has marked it. A distribution asks
     * after recording its membership, so a deletion that marked the provider first is never missed.
     */
    boolean acceptsMembers(String name);

    /** Names of the keys recorded as distributed to the provider, in ascending order. */
    List<String> memberKeys(String providerName);

    /**
     * Records that {@code keyName} is distributed to the provider; a record of its own, written alone.
     * Idempotent: an existing record is kept. Check {@link #acceptsMembers} afterwards.
     */
    void addMember(String providerName, String keyName);

    /** Forgets that {@code keyName} is distributed to the provider. Idempotent. */
    void removeMember(String providerName, String keyName);
}
