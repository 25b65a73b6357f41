package io.keymgmt.seal;

/**
 * Sealing or unsealing failed: a blob is malformed or fails authentication, or a key-encryption key
 * is missing or unusable. Messages name what went wrong and never contain secret bytes.
 */
public class SealingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SealingException(String message) {
        super(message);
    }

    public SealingException(String message, Throwable cause) {
        super(message, cause);
    }
}
