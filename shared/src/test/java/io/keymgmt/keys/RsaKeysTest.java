package io.keymgmt.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.secrets.SecretBytes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateKeySpec;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RsaKeysTest {

    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }, as it sits at the start of an RSA PKCS#8. */
    private static final byte[] RSA_ALGORITHM_IDENTIFIER = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "RSA_3072", "RSA_4096"})
    void generatedKeysAreRsaOfTheTypesSizeWithExponent65537AsPkcs8(KeyType type) throws Exception {
        try (SecretBytes pkcs8 = TestRsaKeys.targetPkcs8(type)) {
            byte[] der = pkcs8.copyBytes();
            // PKCS#8 v0: SEQUENCE { INTEGER 0, AlgorithmIdentifier rsaEncryption NULL, OCTET STRING }.
            int afterHeader = (der[1] & 0x80) == 0 ? 2 : 2 + (der[1] & 0x7f);
            assertArrayEquals(new byte[] {0x02, 0x01, 0x00}, Arrays.copyOfRange(der, afterHeader, afterHeader + 3));
            assertArrayEquals(RSA_ALGORITHM_IDENTIFIER,
                    Arrays.copyOfRange(der, afterHeader + 3, afterHeader + 3 + RSA_ALGORITHM_IDENTIFIER.length));

            RSAPrivateCrtKey parsed = RsaPrivateKeys.parsePkcs8(pkcs8);
            assertEquals(type.rsaBits(), parsed.getModulus().bitLength());
            assertEquals(BigInteger.valueOf(65537), parsed.getPublicExponent());
            assertEquals(parsed.getModulus(), parsed.getPrimeP().multiply(parsed.getPrimeQ()));
            assertSame(type, RsaPrivateKeys.requireSupportedSize(parsed));
            assertSame(type, RsaPrivateKeys.requireSupportedRsaPkcs8(pkcs8));

            RSAPublicKey generatedPublic = TestRsaKeys.targetPublic(type);
            RSAPublicKey derived = RsaPrivateKeys.publicKeyOf(parsed);
            assertEquals(generatedPublic.getModulus(), derived.getModulus());
            assertEquals(generatedPublic.getPublicExponent(), derived.getPublicExponent());
            assertArrayEquals(generatedPublic.getEncoded(), derived.getEncoded());

            // The halves belong together: a signature by the parsed private key verifies under the generated public key.
            byte[] message = "key material check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(parsed);
            signer.update(message);
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(generatedPublic);
            verifier.update(message);
            assertTrue(verifier.verify(signer.sign()));
        }
    }

    @Test
    void closingTheMaterialWipesThePrivateKey() {
        RsaKeyMaterial material = RsaKeyGenerator.generate(KeyType.RSA_2048, new SecureRandom());
        assertSame(KeyType.RSA_2048, material.type());
        assertEquals(2048, material.publicKey().getModulus().bitLength());
        material.close();
        assertTrue(material.privateKeyPkcs8().isWiped());
    }

    @Test
    void nonRsaTypesAreNotGenerated() {
        for (KeyType type : List.of(KeyType.AES256_GCM96, KeyType.ECDSA_P256)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RsaKeyGenerator.generate(type));
            assertEquals("key type \"" + type.wireName() + "\" is not RSA; RSA keys are generated for rsa-2048, rsa-3072"
                    + " and rsa-4096", e.getMessage());
        }
    }

    @Test
    void otherRsaSizesAreRefused() throws Exception {
        for (int bits : new int[] {1024, 2047, 2049}) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            try (SecretBytes pkcs8 = SecretBytes.copyOf(der)) {
                RSAPrivateCrtKey parsed = RsaPrivateKeys.parsePkcs8(pkcs8);
                assertEquals("the RSA key has a " + bits + "-bit modulus; accepted sizes are 2048, 3072 or 4096 bits",
                        assertThrows(IllegalArgumentException.class, () -> RsaPrivateKeys.requireSupportedSize(parsed))
                                .getMessage());
            }
        }
    }

    @Test
    void pkcs1IsRefusedWithTheConversion() throws Exception {
        byte[] pkcs1 = PrivateKeyInfo.getInstance(TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048))
                .parsePrivateKey().toASN1Primitive().getEncoded(ASN1Encoding.DER);
        assertEquals("the private key is PKCS#1 (RSAPrivateKey), not PKCS#8; convert it with:"
                + " openssl pkcs8 -topk8 -nocrypt -in in.pem -out out.pem", refusal(pkcs1));
    }

    @Test
    void encryptedPkcs8IsRefusedWithTheConversion(@TempDir Path temp) throws Exception {
        Path plain = Files.write(temp.resolve("key.der"), TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048));
        byte[] encrypted = OpenSsl.run(temp, "pkcs8", "-topk8", "-inform", "DER", "-in", plain.toString(),
                "-outform", "DER", "-v2", "aes-256-cbc", "-passout", "pass:password");
        assertEquals("the private key is encrypted PKCS#8; an unencrypted PKCS#8 key is required; decrypt it with:"
                + " openssl pkcs8 -topk8 -nocrypt -in in.pem -out out.pem", refusal(encrypted));
    }

    @Test
    void otherAlgorithmsAreRefusedByName() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertEquals("the private key is EC (OID 1.2.840.10045.2.1), not RSA (rsaEncryption, OID 1.2.840.113549.1.1.1);"
                + " accepted are RSA keys of 2048, 3072 or 4096 bits", refusal(ec.generateKeyPair().getPrivate().getEncoded()));
        byte[] ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        assertTrue(refusal(ed25519).startsWith("the private key is Ed25519 (OID 1.3.101.112), not RSA"));
        KeyPairGenerator pss = KeyPairGenerator.getInstance("RSASSA-PSS");
        pss.initialize(1024);
        assertTrue(refusal(pss.generateKeyPair().getPrivate().getEncoded())
                .startsWith("the private key is RSASSA-PSS (OID 1.2.840.113549.1.1.10), not RSA"));
    }

    @Test
    void notDerOrDamagedIsRefused() throws Exception {
        String notPkcs8 = "the private key is not PKCS#8 DER; an unencrypted PKCS#8 RSA private key (DER, or PEM"
                + " \"BEGIN PRIVATE KEY\") is required";
        assertEquals(notPkcs8, refusal("-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(notPkcs8, refusal(new byte[0]));
        byte[] good = TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048);
        assertEquals(notPkcs8, refusal(Arrays.copyOf(good, good.length - 1)));
        assertEquals(notPkcs8, refusal(Arrays.copyOf(good, good.length + 1)));
        byte[] damagedInside = good.clone();
        // The RSAPrivateKey SEQUENCE tag inside the octet string: the outer shape stays PKCS#8.
        assertEquals(0x30, damagedInside[26]);
        damagedInside[26] = 0x31;
        assertEquals("the PKCS#8 RSA private key is malformed and cannot be read", refusal(damagedInside));
        // SEQUENCE { INTEGER 0, SEQUENCE {}, OCTET STRING {} }: PKCS#8 in shape, but no algorithm OID.
        assertEquals("the PKCS#8 private key is malformed: its algorithm identifier cannot be read",
                refusal(new byte[] {0x30, 0x07, 0x02, 0x01, 0x00, 0x30, 0x00, 0x04, 0x00}));
    }

    @Test
    void aKeyWithoutCrtParametersIsRefused() throws Exception {
        RSAPrivateCrtKey full;
        try (SecretBytes pkcs8 = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            full = RsaPrivateKeys.parsePkcs8(pkcs8);
        }
        byte[] bare = KeyFactory.getInstance("RSA")
                .generatePrivate(new RSAPrivateKeySpec(full.getModulus(), full.getPrivateExponent())).getEncoded();
        assertEquals("the PKCS#8 RSA private key has no CRT parameters (p, q, dp, dq, qi); a full RSA private key is required",
                refusal(bare));
    }

    private static String refusal(byte[] der) {
        try (SecretBytes bytes = SecretBytes.copyOf(der)) {
            return assertThrows(IllegalArgumentException.class, () -> RsaPrivateKeys.parsePkcs8(bytes)).getMessage();
        }
    }
}
