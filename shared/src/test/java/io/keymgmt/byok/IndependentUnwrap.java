package io.keymgmt.byok;

import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;

/**
 * CKM_RSA_AES_KEY_WRAP unwrapped by a second implementation: BouncyCastle's low-level OAEP and
 * RFC 5649 engines, no JCA, so a mistake shared with the JDK path cannot hide.
 */
public final class IndependentUnwrap {

    private IndependentUnwrap() {
    }

    public static byte[] unwrap(RSAPrivateCrtKey kek, byte[] ciphertext) throws InvalidCipherTextException {
        int modulusBytes = (kek.getModulus().bitLength() + 7) / 8;
        AsymmetricBlockCipher oaep = new OAEPEncoding(new RSAEngine(), new SHA1Digest(), new SHA1Digest(), new byte[0]);
        oaep.init(false, new RSAPrivateCrtKeyParameters(kek.getModulus(), kek.getPublicExponent(),
                kek.getPrivateExponent(), kek.getPrimeP(), kek.getPrimeQ(), kek.getPrimeExponentP(),
                kek.getPrimeExponentQ(), kek.getCrtCoefficient()));
        byte[] aesKey = oaep.processBlock(ciphertext, 0, modulusBytes);
        if (aesKey.length != 32) {
            throw new InvalidCipherTextException("the OAEP part holds " + aesKey.length + " bytes, not a 32-byte AES key");
        }
        RFC5649WrapEngine kwp = new RFC5649WrapEngine(AESEngine.newInstance());
        kwp.init(false, new KeyParameter(aesKey));
        byte[] wrapped = Arrays.copyOfRange(ciphertext, modulusBytes, ciphertext.length);
        return kwp.unwrap(wrapped, 0, wrapped.length);
    }
}
