package io.keymgmt.store;

/** A conditional write lost a race: the stored entity changed since it was read (HTTP 412). */
public final class ConcurrentUpdateException extends StoreException {

    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
