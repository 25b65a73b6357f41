package io.keymgmt.keys;

import io.keymgmt.secrets.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.EnumMap;
import java.util.Map;

/**
 * RSA keys of the three Azure sizes, generated once per test JVM because 4096-bit generation is slow
 * on a shared machine. Key exchange keys come from the JDK's generator, target keys from
 * {@link RsaKeyGenerator}, so the two roles never share a key.
 */
public final class TestRsaKeys {

    private static final Map<KeyType, KeyPair> KEKS = new EnumMap<>(KeyType.class);
    private static final Map<KeyType, byte[]> TARGET_PKCS8 = new EnumMap<>(KeyType.class);
    private static final Map<KeyType, RSAPublicKey> TARGET_PUBLIC = new EnumMap<>(KeyType.class);

    private TestRsaKeys() {
    }

    public static synchronized KeyPair kek(KeyType type) {
        return KEKS.computeIfAbsent(type, t -> {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(t.rsaBits());
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static RSAPrivateCrtKey kekPrivate(KeyType type) {
        return (RSAPrivateCrtKey) kek(type).getPrivate();
    }

    /** A fresh copy of the target key's PKCS#8; the caller closes it. */
    public static synchronized SecretBytes targetPkcs8(KeyType type) {
        generateTarget(type);
        return SecretBytes.copyOf(TARGET_PKCS8.get(type));
    }

    /** The target key's PKCS#8 as a plain array, for comparisons; test keys are not secret. */
    public static synchronized byte[] targetPkcs8Bytes(KeyType type) {
        generateTarget(type);
        return TARGET_PKCS8.get(type).clone();
    }

    public static synchronized RSAPublicKey targetPublic(KeyType type) {
        generateTarget(type);
        return TARGET_PUBLIC.get(type);
    }

    private static void generateTarget(KeyType type) {
        if (!TARGET_PKCS8.containsKey(type)) {
            try (RsaKeyMaterial material = RsaKeyGenerator.generate(type)) {
                TARGET_PKCS8.put(type, material.privateKeyPkcs8().copyBytes());
                TARGET_PUBLIC.put(type, material.publicKey());
            }
        }
    }
}
