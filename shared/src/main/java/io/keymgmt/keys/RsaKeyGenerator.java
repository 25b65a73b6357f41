package io.keymgmt.keys;

import io.keymgmt.secrets.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;

/** New RSA key versions for the rsa-2048, rsa-3072 and rsa-4096 key types (public exponent 65537). */
public final class RsaKeyGenerator {

    private RsaKeyGenerator() {
    }

    /** Generates with a fresh {@link SecureRandom}, the platform's default strong source. */
    public static RsaKeyMaterial generate(KeyType type) {
        return generate(type, new SecureRandom());
    }

    public static RsaKeyMaterial generate(KeyType type, SecureRandom random) {
        if (!type.isRsa()) {
            throw new IllegalArgumentException("key type \"" + type.wireName() + "\" is not RSA; RSA keys are generated for "
                    + KeyType.rsaWireNamesInProse());
        }
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(type.rsaBits(), RSAKeyGenParameterSpec.F4), random);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + type.wireName() + " keys", e);
        }
        // getEncoded() hands us a fresh array; adopting it leaves no other copy we control.
        SecretBytes pkcs8 = SecretBytes.adopt(pair.getPrivate().getEncoded());
        return new RsaKeyMaterial(type, pkcs8, (RSAPublicKey) pair.getPublic());
    }
}
