package io.keymgmt.seal;

import io.keymgmt.secrets.SecretBytes;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a 96-bit nonce and a 128-bit tag, as both the sealer and the local KEK use it. */
final class AesGcm {

    static final int KEY_LENGTH = 32;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private AesGcm() {
    }

    /** Ciphertext followed by the tag. */
    static byte[] encrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] plaintext) {
        try {
            Cipher cipher = init(Cipher.ENCRYPT_MODE, key, nonce);
            cipher.updateAAD(aad);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new SealingException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The plaintext, owned by the caller.
     *
     * @throws SealingException with {@code whatFailed} when the tag does not verify
     */
    static byte[] decrypt(SecretBytes key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag, String whatFailed) {
        try {
            Cipher cipher = init(Cipher.DECRYPT_MODE, key, nonce);
            cipher.updateAAD(aad);
            return cipher.doFinal(ciphertextAndTag);
        } catch (AEADBadTagException e) {
            throw new SealingException(whatFailed, e);
        } catch (GeneralSecurityException e) {
            throw new SealingException("AES-GCM decryption failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static Cipher init(int mode, SecretBytes key, byte[] nonce) throws GeneralSecurityException {
        if (key.length() != KEY_LENGTH) {
            throw new SealingException("an AES-256 key is " + KEY_LENGTH + " bytes, got " + key.length());
        }
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        // SecretKeySpec keeps its own copy of the key, which the JDK offers no way to wipe; it lives
        // only as long as this short-lived Cipher.
        SecretKeySpec spec = key.read(bytes -> new SecretKeySpec(bytes, "AES"));
        cipher.init(mode, spec, new GCMParameterSpec(SealedBlob.TAG_LENGTH * 8, nonce));
        return cipher;
    }
}
