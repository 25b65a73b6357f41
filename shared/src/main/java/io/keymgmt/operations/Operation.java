package io.keymgmt.operations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a long action, as recorded in storage so that any instance answers a poll and a repeated
 * request finds it. What it was asked to do never changes after it is recorded; its progress (the vaults
 * done so far, with their errors) and, at the end, its status and outcome do.
 *
 * @param fingerprint what the request asked for, in a canonical form: a request repeated under the same
 *     idempotency key must have the same
 * @param fromVersion for a rotation, the key's latest version when the operation was recorded: the
 *     operation adds the version after it, once, however often it is performed; 0 otherwise
 * @param vaultsTotal how many vaults the operation has to reach
 * @param outcomes one per vault reached so far, in the order reached
 * @param resultVersion for a rotation, the version it made (or found made); empty until then
 * @param error why the operation failed; empty unless {@link OperationStatus#FAILED}
 */
public record Operation(
        String id,
        OperationAction action,
        String keyName,
        Optional<String> providerName,
        Optional<String> purpose,
        Optional<String> protection,
        String fingerprint,
        OperationStatus status,
        int fromVersion,
        int vaultsTotal,
        List<VaultOutcome> outcomes,
        Optional<Integer> resultVersion,
        Optional<String> error,
        int attempts,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt) {

    public Operation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(providerName, "providerName");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(resultVersion, "resultVersion");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The vaults reached so far whose part failed. */
    public List<VaultOutcome> failures() {
        return outcomes.stream().filter(o -> !o.succeeded()).toList();
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Another attempt begins: the progress of an earlier, interrupted one is dropped and found again. */
    public Operation attempted(Instant now) {
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint, status, fromVersion,
                vaultsTotal, List.of(), resultVersion, error, attempts + 1, createdAt, now, expiresAt);
    }

    public Operation withVaultsTotal(int total, Instant now) {
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint, status, fromVersion,
                total, outcomes, resultVersion, error, attempts, createdAt, now, expiresAt);
    }

    public Operation withResultVersion(int version, Instant now) {
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint, status, fromVersion,
                vaultsTotal, outcomes, Optional.of(version), error, attempts, createdAt, now, expiresAt);
    }

    public Operation withOutcome(VaultOutcome outcome, Instant now) {
        List<VaultOutcome> more = new ArrayList<>(outcomes);
        more.removeIf(o -> o.provider().equals(outcome.provider()));
        more.add(outcome);
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint, status, fromVersion,
                vaultsTotal, more, resultVersion, error, attempts, createdAt, now, expiresAt);
    }

    public Operation succeeded(Instant now) {
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint,
                OperationStatus.SUCCEEDED, fromVersion, vaultsTotal, outcomes, resultVersion, Optional.empty(), attempts,
                createdAt, now, expiresAt);
    }

    public Operation failed(String why, Instant now) {
        return new Operation(id, action, keyName, providerName, purpose, protection, fingerprint,
                OperationStatus.FAILED, fromVersion, vaultsTotal, outcomes, resultVersion, Optional.of(why), attempts,
                createdAt, now, expiresAt);
    }
}
