package io.keymgmt.seal;

import io.keymgmt.secrets.SecretBytes;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Seals each secret under its own fresh AES-256-GCM data key, and wraps that data key with the
 * current {@link KeyEncryptionKey}.
 *
 * <p>The content's associated data is the blob header (format, KEK id, wrapped data key) followed by
 * the owner's {@link AssociatedData}; the KEK wraps the data key with the owner's associated data.
 * A fresh key per blob means a nonce is never reused under one key, and data keys are wiped as soon
 * as the content is encrypted or decrypted.
 */
public final class EnvelopeSealer implements Sealer {

    private final KeyEncryptionKey current;
    private final KeyEncryptionKeyResolver resolver;
    private final SecureRandom random;

    /**
     * @param current seals new blobs
     * @param resolver opens blobs by the KEK id they record; must also know {@code current}
     * @param random source of data keys and nonces
     */
    public EnvelopeSealer(KeyEncryptionKey current, KeyEncryptionKeyResolver resolver, SecureRandom random) {
        this.current = Objects.requireNonNull(current, "current");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Seals and opens with one KEK only. */
    public EnvelopeSealer(KeyEncryptionKey kek) {
        this(kek, KeyEncryptionKeyResolver.of(kek), new SecureRandom());
    }

    @Override
    public SealedBlob seal(SecretBytes plaintext, AssociatedData ad) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(ad, "ad");
        String kekId = current.id();
        byte[] nonce = new byte[SealedBlob.NONCE_LENGTH];
        random.nextBytes(nonce);
        try (SecretBytes dataKey = SecretBytes.random(AesGcm.KEY_LENGTH, random)) {
            byte[] wrapped = wrap(current, dataKey, ad);
            byte[] aad = contentAad(SealedBlob.header(kekId, wrapped), ad);
            byte[] ciphertext = plaintext.read(bytes -> AesGcm.encrypt(dataKey, nonce, aad, bytes));
            return SealedBlob.assemble(kekId, wrapped, nonce, ciphertext);
        }
    }

    @Override
    public SecretBytes unseal(SealedBlob blob, AssociatedData ad) {
        Objects.requireNonNull(blob, "blob");
        Objects.requireNonNull(ad, "ad");
        KeyEncryptionKey kek = resolver.resolve(blob.kekId());
        if (kek == null || !blob.kekId().equals(kek.id())) {
            throw new SealingException("no key-encryption key " + blob.kekId() + " is available to open this blob");
        }
        try (SecretBytes dataKey = unwrap(kek, blob.wrappedDataKey(), ad)) {
            if (dataKey.length() != AesGcm.KEY_LENGTH) {
                throw new SealingException("key-encryption key " + kek.id() + " unwrapped a data key of "
                        + dataKey.length() + " bytes; sealed blobs use " + AesGcm.KEY_LENGTH + "-byte keys");
            }
            byte[] plaintext = AesGcm.decrypt(dataKey, blob.nonce(), contentAad(blob.header(), ad), blob.ciphertext(),
                    "sealed blob failed authentication for " + ad + ": it was altered, it belongs to another"
                            + " owner, or it was sealed with another key");
            return SecretBytes.adopt(plaintext);
        }
    }

    private static byte[] wrap(KeyEncryptionKey kek, SecretBytes dataKey, AssociatedData ad) {
        try {
            return Objects.requireNonNull(kek.wrap(dataKey, ad.encoded()), "wrapped data key");
        } catch (SealingException e) {
            throw e;
        } catch (RuntimeException e) {
            // An adapter's own failure (a Key Vault error, a lost connection) says what to fix; keep it
            // as the cause and say which key failed.
            throw new SealingException("key-encryption key " + kek.id() + " failed to wrap a data key ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static SecretBytes unwrap(KeyEncryptionKey kek, byte[] wrapped, AssociatedData ad) {
        try {
            return Objects.requireNonNull(kek.unwrap(wrapped, ad.encoded()), "unwrapped data key");
        } catch (SealingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SealingException("key-encryption key " + kek.id() + " failed to unwrap a data key ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static byte[] contentAad(byte[] header, AssociatedData ad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        ad.writeTo(out);
        return out.toByteArray();
    }
}
