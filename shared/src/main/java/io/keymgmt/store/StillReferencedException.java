package io.keymgmt.store;

/**
 * A deletion found records that still refer to what it deletes: a key still distributed to a
 * provider, or a provider still holding keys. This is the business rule "remove it from the vaults
 * first", enforced where the records are, so it is a type of its own and never mistaken for an outage.
 */
public final class StillReferencedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StillReferencedException(String message) {
        super(message);
    }
}
