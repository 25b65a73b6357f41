package io.keymgmt.operations;

import java.util.Objects;
import java.util.Optional;

/**
 * How one vault (one KMS provider) came out of an operation: done, or the error that stopped it there.
 *
 * @param error empty when the vault is done
 */
public record VaultOutcome(String provider, Optional<String> error) {

    public VaultOutcome {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(error, "error");
    }

    public static VaultOutcome done(String provider) {
        return new VaultOutcome(provider, Optional.empty());
    }

    public static VaultOutcome failed(String provider, String error) {
        return new VaultOutcome(provider, Optional.of(error));
    }

    public boolean succeeded() {
        return error.isEmpty();
    }
}
