package io.keymgmt.http.vault;

/** The request body or parameters cannot be understood; nothing was written. */
public final class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequestException(String message) {
        this(400, message);
    }

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
