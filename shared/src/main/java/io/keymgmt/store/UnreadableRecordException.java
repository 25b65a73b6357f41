package io.keymgmt.store;

/**
 * Storage returned a record this engine cannot have written: a property missing or of the wrong
 * type, a write without an ETag. Retrying will not help; the record or the store needs a look.
 */
public final class UnreadableRecordException extends StoreException {

    private static final long serialVersionUID = 1L;

    public UnreadableRecordException(String message) {
        super(message, null);
    }
}
