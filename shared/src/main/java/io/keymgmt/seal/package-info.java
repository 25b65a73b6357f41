/**
 * Envelope encryption of secrets at rest: private key material and KMS provider credentials.
 *
 * <p>Every {@link io.keymgmt.seal.SealedBlob} has its own fresh AES-256-GCM data key. That key is
 * wrapped by a {@link io.keymgmt.seal.KeyEncryptionKey} (a local key file for the local stack, a Key
 * Vault key in production), and the blob records the KEK's id so that blobs sealed under an older
 * KEK still open after rotation. {@link io.keymgmt.seal.AssociatedData} binds each blob to the row
 * that owns it, so a blob copied to another row (another key, another version, another provider)
 * fails to open instead of yielding the wrong secret.
 */
package io.keymgmt.seal;
