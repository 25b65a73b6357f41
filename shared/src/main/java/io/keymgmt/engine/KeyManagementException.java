package io.keymgmt.engine;

import java.time.Duration;
import java.util.Optional;

/** An operation failed; the message tells the caller what happened and what to do about it. */
public final class KeyManagementException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Fault fault;
    private final Duration retryAfter;

    public KeyManagementException(Fault fault, String message) {
        this(fault, message, null, null);
    }

    public KeyManagementException(Fault fault, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.fault = fault;
        this.retryAfter = retryAfter;
    }

    public Fault fault() {
        return fault;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    static KeyManagementException invalid(String message) {
        return new KeyManagementException(Fault.INVALID_REQUEST, message);
    }

    static KeyManagementException notFound(String message) {
        return new KeyManagementException(Fault.NOT_FOUND, message);
    }

    static KeyManagementException conflict(String message) {
        return new KeyManagementException(Fault.CONFLICT, message);
    }
}
