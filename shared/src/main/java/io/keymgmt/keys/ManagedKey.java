package io.keymgmt.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A key this engine manages: what Vault's {@code keymgmt/key/:name} holds. Its versions are stored
 * apart ({@link KeyVersion}); this header carries the counters that a rotation and an update move.
 *
 * @param latestVersion the newest version; versions are numbered 1..latestVersion without gaps
 * @param minEnabledVersion versions below it are disabled in every vault the key is in; at least 1
 *     (Vault's 0, "all enabled", is normalised to 1, which is what Vault itself reports)
 * @param rotationPeriod Vault transit's auto_rotate_period: how long after its latest version the key
 *     rotates by itself; zero when it does not
 * @param lastRotatedAt when the latest version was created
 */
public record ManagedKey(
        String name,
        KeyType type,
        int latestVersion,
        int minEnabledVersion,
        boolean deletionAllowed,
        Instant createdAt,
        Instant updatedAt,
        Duration rotationPeriod,
        Instant lastRotatedAt) {

    public ManagedKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(rotationPeriod, "rotationPeriod");
        Objects.requireNonNull(lastRotatedAt, "lastRotatedAt");
        if (rotationPeriod.isNegative()) {
            throw new IllegalArgumentException("rotationPeriod must not be negative, was " + rotationPeriod);
        }
        if (latestVersion < 1) {
            throw new IllegalArgumentException("latestVersion must be at least 1, was " + latestVersion);
        }
        if (minEnabledVersion < 1 || minEnabledVersion > latestVersion) {
            throw new IllegalArgumentException("minEnabledVersion must be within 1.." + latestVersion
                    + ", was " + minEnabledVersion);
        }
    }

    /** A key that does not rotate by itself, last rotated when it was created. */
    public ManagedKey(String name, KeyType type, int latestVersion, int minEnabledVersion, boolean deletionAllowed,
            Instant createdAt, Instant updatedAt) {
        this(name, type, latestVersion, minEnabledVersion, deletionAllowed, createdAt, updatedAt, Duration.ZERO,
                createdAt);
    }

    /** A key as created: version 1 only, every version enabled, deletion not allowed, no rotation period. */
    public static ManagedKey created(String name, KeyType type, Instant now) {
        return new ManagedKey(name, type, 1, 1, false, now, now, Duration.ZERO, now);
    }

    /** When the key is due to rotate by itself; empty when it has no rotation period. */
    public Optional<Instant> nextRotationAt() {
        return rotationPeriod.isZero() ? Optional.empty() : Optional.of(lastRotatedAt.plus(rotationPeriod));
    }

    public boolean isEnabled(int version) {
        return version >= minEnabledVersion && version <= latestVersion;
    }

    public ManagedKey rotated(Instant now) {
        return new ManagedKey(name, type, latestVersion + 1, minEnabledVersion, deletionAllowed, createdAt, now,
                rotationPeriod, now);
    }

    /** This key with another minimum; the same key (not a new one) if nothing changes. */
    public ManagedKey withMinEnabledVersion(int version, Instant now) {
        return version == minEnabledVersion ? this
                : new ManagedKey(name, type, latestVersion, version, deletionAllowed, createdAt, now, rotationPeriod,
                        lastRotatedAt);
    }

    /** This key with deletion allowed or not; the same key (not a new one) if nothing changes. */
    public ManagedKey withDeletionAllowed(boolean allowed, Instant now) {
        return allowed == deletionAllowed ? this
                : new ManagedKey(name, type, latestVersion, minEnabledVersion, allowed, createdAt, now, rotationPeriod,
                        lastRotatedAt);
    }

    /** This key with another rotation period (zero: none); the same key (not a new one) if nothing changes. */
    public ManagedKey withRotationPeriod(Duration period, Instant now) {
        return period.equals(rotationPeriod) ? this
                : new ManagedKey(name, type, latestVersion, minEnabledVersion, deletionAllowed, createdAt, now, period,
                        lastRotatedAt);
    }
}
