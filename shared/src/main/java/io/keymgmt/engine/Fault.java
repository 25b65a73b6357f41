package io.keymgmt.engine;

/**
 * Whose fault a failed operation was, which decides the status a caller sees (docs/adr/0006): the
 * caller's request, the caller's Azure set-up, Azure itself, our storage, or this engine.
 */
public enum Fault {
    /** The request is malformed or breaks a rule (400). */
    INVALID_REQUEST(400),
    /** The named key, provider or distribution does not exist (404). */
    NOT_FOUND(404),
    /** The request conflicts with the current state, here or in Azure (409). */
    CONFLICT(409),
    /** What was asked for existed once and has expired (410). */
    GONE(410),
    /** An idempotency key was used again with a different request (422). */
    IDEMPOTENCY_MISMATCH(422),
    /** Azure refused the configured identity: bad credentials or a missing permission (403). */
    AZURE_DENIED(403),
    /** Azure throttled us; retrying later will work (503). */
    AZURE_THROTTLED(503),
    /** Azure failed or rejected what we sent (502). */
    AZURE_FAILED(502),
    /** Table Storage could not be reached or failed; retrying later may work (503). */
    STORAGE_UNAVAILABLE(503),
    /** Table Storage returned something that cannot be what this engine wrote (502). */
    STORAGE_FAILED(502),
    /** The sealing key could not seal or open a secret: unreachable, refused, or the blob is damaged (502). */
    SEALING_FAILED(502),
    /** A bug in this engine (500); never used on purpose for a condition we know. */
    INTERNAL(500);

    private final int httpStatus;

    Fault(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status every entry point answers this fault with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether repeating the same request later can succeed without anyone changing anything. */
    public boolean isTransient() {
        return this == AZURE_THROTTLED || this == AZURE_FAILED || this == STORAGE_UNAVAILABLE;
    }
}
