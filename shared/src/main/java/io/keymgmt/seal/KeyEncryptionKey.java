package io.keymgmt.seal;

import io.keymgmt.secrets.SecretBytes;

/**
 * The key that wraps each blob's data key: a local key file, or a Key Vault key through its
 * wrapKey/unwrapKey operations.
 *
 * <p>The {@link #id()} is stored in every blob and later handed to a
 * {@link KeyEncryptionKeyResolver} to find the key again, so it must name one exact key version
 * (for Key Vault the versioned key id, {@code https://<vault>/keys/<name>/<version>}), never a
 * "latest" alias. Implementations throw {@link SealingException} on failure.
 */
public interface KeyEncryptionKey {

    /** Names this exact key version; stable for as long as blobs wrapped by it exist. */
    String id();

    /**
     * Wraps a data key. {@code aad} binds the wrapped key to its blob's owner; an algorithm without
     * associated data (RSA-OAEP in Key Vault) may ignore it, because the blob's content encryption
     * authenticates the same bytes anyway. The caller still owns {@code dataKey}.
     */
    byte[] wrap(SecretBytes dataKey, byte[] aad);

    /** Reverses {@link #wrap} with the same {@code aad}; the caller owns and closes the result. */
    SecretBytes unwrap(byte[] wrapped, byte[] aad);
}
