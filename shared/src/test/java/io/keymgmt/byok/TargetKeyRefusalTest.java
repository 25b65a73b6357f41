package io.keymgmt.byok;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.TestRsaKeys;
import io.keymgmt.secrets.SecretBytes;
import java.security.KeyPairGenerator;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

/** Targets Key Vault would reject at import are refused before a blob exists. */
class TargetKeyRefusalTest {

    private static final String KID = "https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef";
    private static final String PREFIX = "the target key cannot be imported into Azure Key Vault: ";

    private static String refusal(byte[] targetDer) {
        KeyExchangeKey kek = KeyExchangeKey.of(KID, TestRsaKeys.kek(KeyType.RSA_2048).getPublic());
        try (SecretBytes target = SecretBytes.copyOf(targetDer)) {
            return assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.wrap(kek, target, "g")).getMessage();
        }
    }

    @Test
    void rsaOfOtherSizes() throws Exception {
        for (int bits : new int[] {1024, 1536, 2056}) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            assertEquals(PREFIX + "the RSA key has a " + bits + "-bit modulus; accepted sizes are 2048, 3072 or 4096 bits",
                    refusal(generator.generateKeyPair().getPrivate().getEncoded()));
        }
    }

    @Test
    void otherKeyTypesAndForms() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(384);
        assertTrue(refusal(ec.generateKeyPair().getPrivate().getEncoded()).startsWith(PREFIX + "the private key is EC"));
        byte[] pkcs1 = PrivateKeyInfo.getInstance(TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048))
                .parsePrivateKey().toASN1Primitive().getEncoded(ASN1Encoding.DER);
        assertTrue(refusal(pkcs1).startsWith(PREFIX + "the private key is PKCS#1"));
        assertTrue(refusal(new byte[] {1, 2, 3}).startsWith(PREFIX + "the private key is not PKCS#8 DER"));
    }
}
