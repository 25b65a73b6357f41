package io.keymgmt.byok;

import static io.keymgmt.byok.TestJson.asObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.TestRsaKeys;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every KEK size with every target size: the blob our code writes is unwrapped by BouncyCastle (no JCA
 * involved) back to exactly the target's PKCS#8, and its JSON is checked field by field by another parser.
 */
class KeyTransferRoundTripTest {

    static final String KID = "https://contosokeyvaulthsm.vault.azure.net/keys/mykek/eba63d27e4e34e028839b53fac905621";
    static final String GENERATOR = "keymgmt tests; software";
    private static final List<KeyType> RSA_TYPES = List.of(KeyType.RSA_2048, KeyType.RSA_3072, KeyType.RSA_4096);

    static Stream<Arguments> everyKekSizeWithEveryTargetSize() {
        return RSA_TYPES.stream().flatMap(kek -> RSA_TYPES.stream().map(target -> Arguments.of(kek, target)));
    }

    @ParameterizedTest(name = "KEK {0}, target {1}")
    @MethodSource("everyKekSizeWithEveryTargetSize")
    void blobUnwrapsIndependentlyToTheExactPkcs8(KeyType kekType, KeyType targetType) throws Exception {
        KeyExchangeKey kek = KeyExchangeKey.of(KID, TestRsaKeys.kek(kekType).getPublic());
        RSAPrivateCrtKey kekPrivate = TestRsaKeys.kekPrivate(kekType);
        byte[] pkcs8 = TestRsaKeys.targetPkcs8Bytes(targetType);
        byte[] json;
        try (SecretBytes target = TestRsaKeys.targetPkcs8(targetType)) {
            json = KeyTransferBlob.wrap(kek, target, GENERATOR).toJson();
        }

        Map<String, Object> document = TestJson.parseObject(json);
        assertEquals(List.of("schema_version", "header", "ciphertext", "generator"), new ArrayList<>(document.keySet()));
        assertEquals("1.0.0", document.get("schema_version"));
        Map<String, Object> header = asObject(document.get("header"));
        assertEquals(List.of("kid", "alg", "enc"), new ArrayList<>(header.keySet()));
        assertEquals(KID, header.get("kid"));
        assertEquals("dir", header.get("alg"));
        assertEquals("CKM_RSA_AES_KEY_WRAP", header.get("enc"));
        assertEquals(GENERATOR, document.get("generator"));
        String encoded = (String) document.get("ciphertext");
        assertTrue(encoded.matches("[A-Za-z0-9_-]+"), "base64url alphabet, no padding");

        byte[] ciphertext = Base64.getUrlDecoder().decode(encoded);
        int modulusBytes = kekType.rsaBits() / 8;
        int kwpBytes = (int) Math.ceil(pkcs8.length / 8.0) * 8 + 8;
        assertEquals(modulusBytes + kwpBytes, ciphertext.length, "kekModulusBytes + 8*ceil(L/8) + 8");
        assertEquals(encoded.length(), (ciphertext.length * 4 + 2) / 3, "unpadded length");

        assertArrayEquals(pkcs8, IndependentUnwrap.unwrap(kekPrivate, ciphertext), "BouncyCastle unwrap");
        try (SecretBytes unwrapped = RsaAesKeyWrap.unwrap(kekPrivate, ciphertext)) {
            assertArrayEquals(pkcs8, unwrapped.copyBytes(), "our own unwrap");
        }

        // Byte-exact: compact, in the specification's field order.
        assertEquals("{\"schema_version\":\"1.0.0\",\"header\":{\"kid\":\"" + KID
                + "\",\"alg\":\"dir\",\"enc\":\"CKM_RSA_AES_KEY_WRAP\"},\"ciphertext\":\"" + encoded
                + "\",\"generator\":\"" + GENERATOR + "\"}", new String(json, StandardCharsets.UTF_8));

        KeyTransferBlob parsed = KeyTransferBlob.parse(json);
        assertEquals(KID, parsed.kid());
        assertEquals(GENERATOR, parsed.generator());
        assertArrayEquals(ciphertext, parsed.ciphertext());
        assertArrayEquals(json, parsed.toJson());
    }

    @Test
    void everyWrapUsesAFreshAesKeyAndOaepSeed() throws Exception {
        KeyExchangeKey kek = KeyExchangeKey.of(KID, TestRsaKeys.kek(KeyType.RSA_2048).getPublic());
        byte[] first;
        byte[] second;
        try (SecretBytes target = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            first = RsaAesKeyWrap.wrap(kek, target);
            second = RsaAesKeyWrap.wrap(kek, target);
        }
        assertFalse(Arrays.equals(Arrays.copyOf(first, 256), Arrays.copyOf(second, 256)), "OAEP parts differ");
        assertFalse(Arrays.equals(Arrays.copyOfRange(first, 256, first.length),
                Arrays.copyOfRange(second, 256, second.length)), "KWP parts differ, so the AES keys differ");
        byte[] pkcs8 = TestRsaKeys.targetPkcs8Bytes(KeyType.RSA_2048);
        assertArrayEquals(pkcs8, IndependentUnwrap.unwrap(TestRsaKeys.kekPrivate(KeyType.RSA_2048), first));
        assertArrayEquals(pkcs8, IndependentUnwrap.unwrap(TestRsaKeys.kekPrivate(KeyType.RSA_2048), second));
    }

    @Test
    void unwrapRefusesAnotherKekAndDamagedCiphertext() throws Exception {
        KeyExchangeKey kek = KeyExchangeKey.of(KID, TestRsaKeys.kek(KeyType.RSA_2048).getPublic());
        byte[] ciphertext;
        try (SecretBytes target = TestRsaKeys.targetPkcs8(KeyType.RSA_2048)) {
            ciphertext = RsaAesKeyWrap.wrap(kek, target);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateCrtKey otherKek = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        String wrongKek = assertThrows(IllegalArgumentException.class,
                () -> RsaAesKeyWrap.unwrap(otherKek, ciphertext)).getMessage();
        assertEquals("the ciphertext does not unwrap under this key exchange key (a different KEK, or a damaged ciphertext)",
                wrongKek);

        byte[] damaged = ciphertext.clone();
        damaged[damaged.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class,
                () -> RsaAesKeyWrap.unwrap(TestRsaKeys.kekPrivate(KeyType.RSA_2048), damaged));
        String shortened = assertThrows(IllegalArgumentException.class,
                () -> RsaAesKeyWrap.unwrap(TestRsaKeys.kekPrivate(KeyType.RSA_2048),
                        Arrays.copyOf(ciphertext, ciphertext.length - 4))).getMessage();
        assertTrue(shortened.startsWith("the ciphertext has " + (ciphertext.length - 4) + " bytes;"), shortened);
    }

    @Test
    void theLengthFormulaMatchesTheReferencesWorkedExample() {
        // reference.md 2.3: KEK-4096 with an RSA-2048 PKCS#8 of 1217..1219 bytes gives 1744 bytes.
        for (int length = 1217; length <= 1219; length++) {
            assertEquals(1744, RsaAesKeyWrap.expectedCiphertextLength(512, length));
        }
        assertEquals(256 + 1216 + 8, RsaAesKeyWrap.expectedCiphertextLength(256, 1216));
    }
}
