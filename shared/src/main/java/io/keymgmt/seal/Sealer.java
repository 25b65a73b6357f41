package io.keymgmt.seal;

import io.keymgmt.secrets.SecretBytes;

/** Seals secrets for storage and opens them again, bound to the owner named by the associated data. */
public interface Sealer {

    /**
     * Encrypts {@code plaintext} for storage. The caller still owns {@code plaintext} and wipes it.
     *
     * @throws SealingException if the plaintext is too large for a blob or the key-encryption key fails
     */
    SealedBlob seal(SecretBytes plaintext, AssociatedData ad);

    /**
     * Decrypts {@code blob}, which opens only with the same associated data it was sealed with. The
     * caller owns the result and closes it.
     *
     * @throws SealingException if the blob was altered, belongs to another owner, or its
     *     key-encryption key is not available
     */
    SecretBytes unseal(SealedBlob blob, AssociatedData ad);
}
