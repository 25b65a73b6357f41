package io.keymgmt.seal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the key-encryption key a blob names. A fixed set serves the local stack and tests; the Key
 * Vault adapter can open a key by its versioned id on demand, so blobs wrapped by an older KEK
 * version keep opening after the KEK is rotated.
 */
@FunctionalInterface
public interface KeyEncryptionKeyResolver {

    /**
     * The key whose {@link KeyEncryptionKey#id()} is {@code kekId}.
     *
     * @throws SealingException if no such key is available
     */
    KeyEncryptionKey resolve(String kekId);

    /** A resolver over a fixed set of keys, e.g. the current KEK and the ones it replaced. */
    static KeyEncryptionKeyResolver of(KeyEncryptionKey... keys) {
        Map<String, KeyEncryptionKey> byId = new LinkedHashMap<>();
        for (KeyEncryptionKey key : keys) {
            Objects.requireNonNull(key, "key");
            if (byId.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("two key-encryption keys have the same id " + key.id());
            }
        }
        return kekId -> {
            KeyEncryptionKey key = byId.get(kekId);
            if (key == null) {
                throw new SealingException("the blob was sealed with key-encryption key " + kekId
                        + ", which is not configured here; configured keys: " + byId.keySet()
                        + ". A changed or replaced key file cannot open blobs sealed with the old one.");
            }
            return key;
        };
    }
}
