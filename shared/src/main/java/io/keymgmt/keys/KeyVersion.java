package io.keymgmt.keys;

import io.keymgmt.seal.SealedBlob;
import java.time.Instant;
import java.util.Objects;

/**
 * One version of a managed key: its public half in the clear (Vault returns it) and its private half
 * only sealed, bound to this key name and version number.
 */
public record KeyVersion(String keyName, int number, Instant createdAt, String publicKeyPem, SealedBlob sealedPrivateKey) {

    public KeyVersion {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(publicKeyPem, "publicKeyPem");
        Objects.requireNonNull(sealedPrivateKey, "sealedPrivateKey");
        if (number < 1) {
            throw new IllegalArgumentException("version numbers start at 1, was " + number);
        }
    }
}
