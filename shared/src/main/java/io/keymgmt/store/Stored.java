package io.keymgmt.store;

import java.util.Objects;

/**
 * A value as read from storage, with the ETag that a later conditional write must present. Every
 * state change in this engine is such a conditional write, so two instances racing on one key cannot
 * both win.
 */
public record Stored<T>(T value, String etag) {

    public Stored {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(etag, "etag");
    }
}
