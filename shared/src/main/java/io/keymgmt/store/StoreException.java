package io.keymgmt.store;

/** Storage failed. Subclasses name the conditions the engine handles; the rest are outages. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
