package io.keymgmt.keys;

import java.time.Instant;
import java.util.Objects;

/**
 * A key this engine manages: what Vault's {@code keymgmt/key/:name} holds. Its versions are stored
 * apart ({@link KeyVersion}); this header carries the counters that a rotation and an update move.
 *
 * @param latestVersion the newest version; versions are numbered 1..latestVersion without gaps
 * @param minEnabledVersion versions below it are disabled in every vault the key is in; at least 1
 *     (Vault's 0, "all enabled", is normalised to 1, which is what Vault itself reports)
 */
public record ManagedKey(
        String name,
        KeyType type,
        int latestVersion,
        int minEnabledVersion,
        boolean deletionAllowed,
        Instant createdAt,
        Instant updatedAt) {

    public ManagedKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (latestVersion < 1) {
            throw new IllegalArgumentException("latestVersion must be at least 1, was " + latestVersion);
        }
        if (minEnabledVersion < 1 || minEnabledVersion > latestVersion) {
            throw new IllegalArgumentException("minEnabledVersion must be within 1.." + latestVersion
                    + ", was " + minEnabledVersion);
        }
    }

    /** A key as created: version 1 only, every version enabled, deletion not allowed. */
    public static ManagedKey created(String name, KeyType type, Instant now) {
        return new ManagedKey(name, type, 1, 1, false, now, now);
    }

    public boolean isEnabled(int version) {
        return version >= minEnabledVersion && version <= latestVersion;
    }

    public ManagedKey rotated(Instant now) {
        return new ManagedKey(name, type, latestVersion + 1, minEnabledVersion, deletionAllowed, createdAt, now);
    }

    /** This key with another minimum; the same key (not a new one) if nothing changes. */
    public ManagedKey withMinEnabledVersion(int version, Instant now) {
        return version == minEnabledVersion ? this
                : new ManagedKey(name, type, latestVersion, version, deletionAllowed, createdAt, now);
    }

    /** This key with deletion allowed or not; the same key (not a new one) if nothing changes. */
    public ManagedKey withDeletionAllowed(boolean allowed, Instant now) {
        return allowed == deletionAllowed ? this
                : new ManagedKey(name, type, latestVersion, minEnabledVersion, allowed, createdAt, now);
    }
}
