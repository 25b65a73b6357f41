package io.keymgmt.emulator.vault;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;

/**
 * Unwraps CKM_RSA_AES_KEY_WRAP as Azure's BYOK specification uses it: the first modulusBytes(KEK)
 * bytes are RSA-OAEP (SHA-1, MGF1-SHA-1, empty label) of a 256-bit AES key, the rest is AES Key Wrap
 * with Padding (RFC 5649) of the target key. Written on BouncyCastle's low-level engines on purpose:
 * the product wraps with the JDK, and an independent implementation on this side is what makes a
 * passing BYOK test mean something.
 */
final class CkmRsaAesKeyWrap {

    static final int AES_KEY_BYTES = 32;

    private CkmRsaAesKeyWrap() {
    }

    /** Returns the wrapped plaintext (for BYOK, a PKCS#8 private key); the caller wipes it. */
    static byte[] unwrap(RSAPrivateCrtKey kek, byte[] ciphertext) {
        int k = (kek.getModulus().bitLength() + 7) / 8;
        if (ciphertext.length <= k + 8) {
            throw KeyVaultException.badParameter("The BYOK ciphertext is " + ciphertext.length + " bytes; with a "
                    + kek.getModulus().bitLength() + "-bit KEK it must be " + k + " bytes of RSA-OAEP followed by the "
                    + "AES-KWP wrapped key.");
        }
        OAEPEncoding oaep = new OAEPEncoding(new RSABlindedEngine(), new SHA1Digest(), new SHA1Digest(), new byte[0]);
        oaep.init(false, new RSAPrivateCrtKeyParameters(kek.getModulus(), kek.getPublicExponent(),
                kek.getPrivateExponent(), kek.getPrimeP(), kek.getPrimeQ(), kek.getPrimeExponentP(),
                kek.getPrimeExponentQ(), kek.getCrtCoefficient()));
        byte[] aesKey;
        try {
            aesKey = oaep.processBlock(ciphertext, 0, k);
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw KeyVaultException.badParameter("The BYOK ciphertext does not unwrap: its first " + k + " bytes are not "
                    + "RSA-OAEP (SHA-1, MGF1-SHA-1, empty label) under the KEK named in header.kid.");
        }
        try {
            if (aesKey.length != AES_KEY_BYTES) {
                throw KeyVaultException.badParameter("The BYOK ciphertext carries a " + aesKey.length * 8 + "-bit AES "
                        + "key; CKM_RSA_AES_KEY_WRAP for Key Vault uses a 256-bit AES key.");
            }
            RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
            kwp.init(false, new KeyParameter(aesKey));
            try {
                return kwp.unwrap(ciphertext, k, ciphertext.length - k);
            } catch (InvalidCipherTextException | RuntimeException e) {
                throw KeyVaultException.badParameter("The BYOK ciphertext does not unwrap: the bytes after the first "
                        + k + " are not AES Key Wrap with Padding (RFC 5649) under the transported AES key.");
            }
        } finally {
            Arrays.fill(aesKey, (byte) 0);
        }
    }
}
