package io.keymgmt.keyvault;

import java.time.Duration;
import java.util.Optional;

/**
 * A target Key Vault refused or failed a call. The reason says whose move it is: the operator's
 * (credentials, permissions, a soft-deleted name), Azure's (throttling, outage) or ours (a request
 * Azure found malformed).
 */
public final class KeyVaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** No token: wrong tenant, client id or secret, or no managed identity here. */
        UNAUTHENTICATED,
        /** Authenticated, but the identity lacks a permission on the vault (see {@link #missingPermission}). */
        FORBIDDEN,
        NOT_FOUND,
        /** The name is taken, typically by a soft-deleted key. */
        CONFLICT,
        THROTTLED,
        /** Azure found the request invalid. */
        REJECTED,
        /** Network failure or an Azure 5xx. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final String vault;
    private final String operation;
    private final String missingPermission;
    private final Duration retryAfter;

    public KeyVaultException(Reason reason, String vault, String operation, String message,
            String missingPermission, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.vault = vault;
        this.operation = operation;
        this.missingPermission = missingPermission;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** The vault's URL. */
    public String vault() {
        return vault;
    }

    /** What we asked for, in Key Vault's permission vocabulary (get, create, import, update, delete, ...). */
    public String operation() {
        return operation;
    }

    /** The key permission Azure said was missing, when it said so. */
    public Optional<String> missingPermission() {
        return Optional.ofNullable(missingPermission);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
