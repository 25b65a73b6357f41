package io.keymgmt.store;

/** An insert found the entity already there (HTTP 409 EntityAlreadyExists). */
public final class AlreadyExistsException extends StoreException {

    private static final long serialVersionUID = 1L;

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
