package io.keymgmt.byok;

import io.keymgmt.keys.RsaPrivateKeys;
import io.keymgmt.secrets.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The PKCS#11 mechanism CKM_RSA_AES_KEY_WRAP with the parameters Azure's BYOK specification fixes:
 * a fresh 256-bit AES key, encrypted under the KEK with RSA-OAEP (SHA-1, MGF1-SHA-1, empty label),
 * followed by the target key wrapped under that AES key with AES Key Wrap with Padding (RFC 5649).
 * {@code ciphertext = RSA-OAEP(kek, aesKey) || AES-KWP(aesKey, pkcs8)}.
 *
 * <p>Only JDK providers are used, so the offline tool runs on a bare JDK.
 */
public final class RsaAesKeyWrap {

    static final String OAEP_TRANSFORMATION = "RSA/ECB/OAEPPadding";
    static final String KWP_TRANSFORMATION = "AES/KWP/NoPadding";
    /** The RFC 5649 alternative initial value; the JDK's default too, spelled out so no provider can differ. */
    private static final byte[] KWP_AIV = {(byte) 0xA6, (byte) 0x59, (byte) 0x59, (byte) 0xA6};
    static final int AES_KEY_BYTES = 32;

    private RsaAesKeyWrap() {
    }

    /** Wraps with a fresh {@link SecureRandom} for the AES key and the OAEP seed. */
    public static byte[] wrap(KeyExchangeKey kek, SecretBytes targetPkcs8) {
        return wrap(kek, targetPkcs8, new SecureRandom());
    }

    /**
     * Wraps {@code targetPkcs8} (unchanged) for {@code kek}. The target must be an unencrypted PKCS#8
     * RSA private key of 2048, 3072 or 4096 bits: Key Vault rejects anything else at import, far from here.
     */
    public static byte[] wrap(KeyExchangeKey kek, SecretBytes targetPkcs8, SecureRandom random) {
        Objects.requireNonNull(kek, "kek");
        Objects.requireNonNull(random, "random");
        requireImportableTarget(targetPkcs8);
        int plaintextLength = targetPkcs8.length();
        byte[] encryptedAesKey;
        byte[] wrappedTarget;
        try (SecretBytes aesKey = SecretBytes.random(AES_KEY_BYTES, random)) {
            encryptedAesKey = aesKey.read(key -> rsaOaepEncrypt(kek, key, random));
            wrappedTarget = aesKey.read(key -> targetPkcs8.read(plaintext -> aesKwpWrapUnchecked(key, plaintext)));
        }
        byte[] ciphertext = Arrays.copyOf(encryptedAesKey, encryptedAesKey.length + wrappedTarget.length);
        System.arraycopy(wrappedTarget, 0, ciphertext, encryptedAesKey.length, wrappedTarget.length);
        int expected = expectedCiphertextLength(kek.modulusBytes(), plaintextLength);
        if (encryptedAesKey.length != kek.modulusBytes() || ciphertext.length != expected) {
            throw new IllegalStateException("CKM_RSA_AES_KEY_WRAP produced " + encryptedAesKey.length + " + "
                    + wrappedTarget.length + " bytes where " + kek.modulusBytes() + " + " + (expected - kek.modulusBytes())
                    + " are required; the JDK's RSA-OAEP or AES-KWP does not behave as specified");
        }
        return ciphertext;
    }

    /**
     * The inverse, for a holder of the KEK's private key (the local Key Vault stand-in, tests): splits
     * at the modulus size, recovers the AES key, unwraps the target key bytes.
     */
    public static SecretBytes unwrap(RSAPrivateKey kekPrivateKey, byte[] ciphertext) {
        int modulusBytes = (kekPrivateKey.getModulus().bitLength() + 7) / 8;
        if (ciphertext.length < modulusBytes + 16 || (ciphertext.length - modulusBytes) % 8 != 0) {
            throw new IllegalArgumentException("the ciphertext has " + ciphertext.length + " bytes; a CKM_RSA_AES_KEY_WRAP"
                    + " ciphertext for this " + modulusBytes * 8 + "-bit key exchange key has " + modulusBytes
                    + " bytes of RSA-OAEP followed by a multiple of 8, at least 16, bytes of AES-KWP");
        }
        byte[] aesKey = null;
        try {
            aesKey = oaepCipher(Cipher.DECRYPT_MODE, kekPrivateKey, PSource.PSpecified.DEFAULT, new SecureRandom())
                    .doFinal(ciphertext, 0, modulusBytes);
            if (aesKey.length != AES_KEY_BYTES) {
                throw new IllegalArgumentException("the ciphertext's RSA-OAEP part holds a " + aesKey.length
                        + "-byte key; CKM_RSA_AES_KEY_WRAP for Azure uses a 32-byte AES key");
            }
            return SecretBytes.adopt(aesKwpUnwrap(aesKey, Arrays.copyOfRange(ciphertext, modulusBytes, ciphertext.length)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the ciphertext does not unwrap under this key exchange key"
                    + " (a different KEK, or a damaged ciphertext)", e);
        } finally {
            if (aesKey != null) {
                Arrays.fill(aesKey, (byte) 0);
            }
        }
    }

    /** {@code modulusBytes + 8*ceil(L/8) + 8}: the OAEP block, then RFC 5649's padded length plus its 8-byte header. */
    public static int expectedCiphertextLength(int kekModulusBytes, int pkcs8Length) {
        return kekModulusBytes + 8 * ((pkcs8Length + 7) / 8) + 8;
    }

    /**
     * The one place the OAEP parameters are set: SHA-1, MGF1 with SHA-1, and the given label (Azure:
     * empty, {@link PSource.PSpecified#DEFAULT}). Spelled out, since the JDK's OAEP transformation names
     * leave MGF1's digest implicit. The Wycheproof tests decrypt their vectors through this same method.
     */
    static Cipher oaepCipher(int mode, Key key, PSource.PSpecified label, SecureRandom random)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(OAEP_TRANSFORMATION);
        cipher.init(mode, key, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, label), random);
        return cipher;
    }

    /** RFC 5649 wrap with the JDK's AES/KWP, as {@link #wrap} does it; any AES key size. */
    static byte[] aesKwpWrap(byte[] aesKey, byte[] plaintext) throws GeneralSecurityException {
        return aesKwp(Cipher.ENCRYPT_MODE, aesKey).doFinal(plaintext);
    }

    /** RFC 5649 unwrap with the JDK's AES/KWP; fails on a wrong key, integrity value or padding. */
    static byte[] aesKwpUnwrap(byte[] aesKey, byte[] wrapped) throws GeneralSecurityException {
        return aesKwp(Cipher.DECRYPT_MODE, aesKey).doFinal(wrapped);
    }

    private static Cipher aesKwp(int mode, byte[] aesKey) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(KWP_TRANSFORMATION);
        cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(KWP_AIV));
        return cipher;
    }

    private static void requireImportableTarget(SecretBytes targetPkcs8) {
        Objects.requireNonNull(targetPkcs8, "targetPkcs8");
        try {
            RSAPrivateCrtKey target = RsaPrivateKeys.parsePkcs8(targetPkcs8);
            RsaPrivateKeys.requireSupportedSize(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the target key cannot be imported into Azure Key Vault: " + e.getMessage(), e);
        }
    }

    private static byte[] rsaOaepEncrypt(KeyExchangeKey kek, byte[] aesKey, SecureRandom random) {
        try {
            return oaepCipher(Cipher.ENCRYPT_MODE, kek.publicKey(), PSource.PSpecified.DEFAULT, random).doFinal(aesKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP (SHA-1, MGF1-SHA-1) encryption under the key exchange key failed", e);
        }
    }

    private static byte[] aesKwpWrapUnchecked(byte[] aesKey, byte[] plaintext) {
        try {
            return aesKwpWrap(aesKey, plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key wrap with padding (RFC 5649) failed", e);
        }
    }
}
