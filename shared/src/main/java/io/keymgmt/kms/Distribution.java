package io.keymgmt.kms;

import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.Protection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A managed key placed in one KMS provider's vault: the key's name there, how it is used and
 * protected, and which Azure version holds which of our versions. One key may have a distribution in
 * any number of providers, each with its own state and last error.
 *
 * @param azureVersions our version number to the Azure key version id (32 hex characters)
 * @param appliedMinEnabledVersion the key's min_enabled_version as last applied to the vault's
 *     enabled flags; differs from the key's while an update is under way or failed
 * @param failedAttempts attempts in a row that stopped with {@link #lastError}; 0 after a success
 * @param retryAt the earliest time the reconciler tries again after a failure
 * @param importingVersion the version an import was started for and not yet recorded (0: none): after
 *     a crash, the vault may hold it already, tagged, and it is adopted instead of imported twice
 */
public record Distribution(
        String keyName,
        String providerName,
        String azureKeyName,
        Set<KeyPurpose> purposes,
        Protection protection,
        SortedMap<Integer, String> azureVersions,
        DistributionState state,
        int appliedMinEnabledVersion,
        Optional<String> lastError,
        Instant createdAt,
        Instant updatedAt,
        int failedAttempts,
        Optional<Instant> retryAt,
        int importingVersion) {

    /** Table Storage holds 32K characters per property; an error message needs far fewer. */
    static final int MAX_ERROR_LENGTH = 4000;

    public Distribution {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(providerName, "providerName");
        Objects.requireNonNull(azureKeyName, "azureKeyName");
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(retryAt, "retryAt");
        if (importingVersion < 0) {
            throw new IllegalArgumentException("importingVersion must not be negative, was " + importingVersion);
        }
        if (failedAttempts < 0) {
            throw new IllegalArgumentException("failedAttempts must not be negative, was " + failedAttempts);
        }
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("a distribution needs at least one purpose");
        }
        purposes = Collections.unmodifiableSet(new LinkedHashSet<>(purposes));
        azureVersions = Collections.unmodifiableSortedMap(new TreeMap<>(azureVersions));
    }

    /** A distribution with no failures to retry. */
    public Distribution(String keyName, String providerName, String azureKeyName, Set<KeyPurpose> purposes,
            Protection protection, SortedMap<Integer, String> azureVersions, DistributionState state,
            int appliedMinEnabledVersion, Optional<String> lastError, Instant createdAt, Instant updatedAt) {
        this(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state, appliedMinEnabledVersion,
                lastError, createdAt, updatedAt, 0, Optional.empty(), 0);
    }

    public static Distribution started(String keyName, String providerName, String azureKeyName,
            Set<KeyPurpose> purposes, Protection protection, Instant now) {
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, new TreeMap<>(),
                DistributionState.DISTRIBUTING, 0, Optional.empty(), now, now);
    }

    /** Our versions up to {@code latestVersion} that the vault does not hold yet, in ascending order. */
    public List<Integer> missingVersions(int latestVersion) {
        List<Integer> missing = new ArrayList<>();
        for (int v = 1; v <= latestVersion; v++) {
            if (!azureVersions.containsKey(v)) {
                missing.add(v);
            }
        }
        return missing;
    }

    public Distribution withImportedVersion(int version, String azureVersionId, Instant now) {
        SortedMap<Integer, String> versions = new TreeMap<>(azureVersions);
        versions.put(version, azureVersionId);
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, versions, state,
                appliedMinEnabledVersion, lastError, createdAt, now, failedAttempts, retryAt, 0);
    }

    /** Records that an import of {@code version} starts now: what a resume looks for in the vault. */
    public Distribution withImporting(int version, Instant now) {
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state,
                appliedMinEnabledVersion, lastError, createdAt, now, failedAttempts, retryAt, version);
    }

    /** The distribution under a new Azure name; only before any version was imported. */
    public Distribution withAzureKeyName(String newName, Instant now) {
        if (!azureVersions.isEmpty()) {
            throw new IllegalStateException("the Azure name cannot change once versions were imported");
        }
        return new Distribution(keyName, providerName, newName, purposes, protection, azureVersions, state,
                appliedMinEnabledVersion, lastError, createdAt, now, failedAttempts, retryAt, importingVersion);
    }

    public Distribution withState(DistributionState newState, Instant now) {
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, newState,
                appliedMinEnabledVersion, lastError, createdAt, now, failedAttempts, retryAt, importingVersion);
    }

    public Distribution withAppliedMinEnabledVersion(int version, Instant now) {
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state,
                version, lastError, createdAt, now, failedAttempts, retryAt, importingVersion);
    }

    /** Records why the last attempt stopped (or that nothing did), keeping the retry state. */
    public Distribution withLastError(Optional<String> error, Instant now) {
        Optional<String> bounded = error.map(e -> e.length() <= MAX_ERROR_LENGTH ? e
                : e.substring(0, MAX_ERROR_LENGTH - 1) + "\u2026");
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state,
                appliedMinEnabledVersion, bounded, createdAt, now, failedAttempts, retryAt, importingVersion);
    }

    /** The distribution after a success: no last error, nothing to retry. */
    public Distribution withSuccess(Instant now) {
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state,
                appliedMinEnabledVersion, Optional.empty(), createdAt, now, 0, Optional.empty(), importingVersion);
    }

    /**
     * Records why an attempt stopped and when the reconciler may try again; long messages are cut so the
     * record stays within storage limits.
     */
    public Distribution withFailure(String error, Instant retryAt, Instant now) {
        String bounded = error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 1) + "\u2026";
        return new Distribution(keyName, providerName, azureKeyName, purposes, protection, azureVersions, state,
                appliedMinEnabledVersion, Optional.of(bounded), createdAt, now, failedAttempts + 1, Optional.of(retryAt),
                importingVersion);
    }

    /** Whether the vault lags the key: versions it lacks, or enabled flags of an older min_enabled_version. */
    public boolean isBehind(int latestVersion, int minEnabledVersion) {
        return !missingVersions(latestVersion).isEmpty() || appliedMinEnabledVersion != minEnabledVersion;
    }
}
