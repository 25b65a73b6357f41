package io.keymgmt.engine;

/**
 * Whose fault a failed operation was, which decides the status a caller sees: the caller's request,
 * the caller's Azure set-up, Azure itself, or this engine.
 */
public enum Fault {
    /** The request is malformed or breaks a rule (400). */
    INVALID_REQUEST,
    /** The named key, provider or distribution does not exist (404). */
    NOT_FOUND,
    /** The request conflicts with the current state, here or in Azure (409). */
    CONFLICT,
    /** Azure refused the configured identity: bad credentials or a missing permission (403). */
    AZURE_DENIED,
    /** Azure throttled us; retrying later will work (503). */
    AZURE_THROTTLED,
    /** Azure failed or rejected what we sent (502). */
    AZURE_FAILED,
    /** Storage or this engine failed (500). */
    INTERNAL
}
