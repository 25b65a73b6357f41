package io.keymgmt.store;

import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Managed keys: one header, one record per version, one per distribution, all in the key's own
 * partition so that a version and the header that counts it are written in one transaction.
 */
public interface KeyStore {

    Optional<Stored<ManagedKey>> find(String name);

    /** Key names in ascending order. */
    List<String> listNames();

    /**
     * Keys whose next rotation is at or before {@code now}, earliest first as far as the store can tell,
     * at most {@code limit}. Reads only the due headers (the next rotation time is kept on the header).
     */
    List<Stored<ManagedKey>> dueForRotation(Instant now, int limit);

    /** Every key's header (never its versions). */
    List<Stored<ManagedKey>> allKeys();

    /** Every key's distributions, without the versions of the keys. */
    List<Stored<Distribution>> allDistributions();

    /**
     * Writes the header and version 1 together.
     *
     * @throws AlreadyExistsException if a key of that name exists
     */
    Stored<ManagedKey> create(ManagedKey key, KeyVersion first);

    /** @throws ConcurrentUpdateException if the header changed since {@code etag} was read */
    Stored<ManagedKey> update(ManagedKey key, String etag);

    /**
     * Writes the new version and the header that now counts it, atomically.
     *
     * @throws ConcurrentUpdateException if the header changed since {@code etag} was read
     */
    Stored<ManagedKey> addVersion(ManagedKey rotated, String etag, KeyVersion version);

    /** All versions in ascending order. */
    List<KeyVersion> versions(String keyName);

    Optional<KeyVersion> version(String keyName, int number);

    /**
     * Deletes the key and all its versions if the header is unchanged since {@code etag} was read and no
     * distribution is recorded. A key that is already gone counts as deleted. Resumable: a deletion
     * interrupted half-way hides the key and is completed by the next create or delete of that name
     * (such a delete succeeds whatever {@code etag} it is given: the hidden header's cannot be read).
     *
     * @throws ConcurrentUpdateException if the header changed
     * @throws StillReferencedException if a distribution is still recorded
     */
    void delete(String name, String etag);

    /**
     * Finishes a deletion that was interrupted after it hid the key (the versions may still be there).
     * Does nothing when there is none: a key that exists, or one created since, is left alone.
     */
    void finishInterruptedDeletion(String name);

    List<Stored<Distribution>> distributions(String keyName);

    Optional<Stored<Distribution>> distribution(String keyName, String providerName);

    /**
     * Records a new distribution, in one transaction with a rewrite of the key's header under
     * {@code keyEtag}, so a concurrent deletion of the key cannot miss it.
     *
     * @return the distribution as stored
     * @throws ConcurrentUpdateException if the header changed since it was read
     * @throws AlreadyExistsException if the key already has a distribution to that provider
     */
    Stored<Distribution> addDistribution(ManagedKey key, String keyEtag, Distribution distribution);

    /** @throws ConcurrentUpdateException if the distribution changed since {@code etag} was read */
    Stored<Distribution> updateDistribution(Distribution distribution, String etag);

    /**
     * Deletes the distribution if it is unchanged since {@code etag} was read. One that is already gone
     * counts as deleted.
     *
     * @throws ConcurrentUpdateException if the distribution changed since {@code etag} was read
     */
    void deleteDistribution(String keyName, String providerName, String etag);
}
