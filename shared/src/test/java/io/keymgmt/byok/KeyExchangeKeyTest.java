package io.keymgmt.byok;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.TestRsaKeys;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.RSAPublicKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyExchangeKeyTest {

    private static final String VERSION = "eba63d27e4e34e028839b53fac905621";
    private static final String KID = "https://contosokeyvaulthsm.vault.azure.net/keys/mykek/" + VERSION;
    private static final String EXPECTED_FORM = "expected a versioned Key Vault key id"
            + " https://<vault-host>[:port]/keys/<name>/<32 lower-case hex version>,"
            + " e.g. https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef";

    /** An RSA public key with a modulus of exactly {@code bits} bits; no primes needed to test a size check. */
    private static PublicKey rsaPublicKeyOfBits(int bits) throws Exception {
        BigInteger modulus = new BigInteger(bits, new SecureRandom()).setBit(bits - 1).setBit(0);
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(65537)));
    }

    @Test
    void acceptsRsaKeksOfTheThreeSizes() {
        for (KeyType type : new KeyType[] {KeyType.RSA_2048, KeyType.RSA_3072, KeyType.RSA_4096}) {
            PublicKey publicKey = TestRsaKeys.kek(type).getPublic();
            KeyExchangeKey kek = KeyExchangeKey.of(KID, publicKey);
            assertEquals(KID, kek.kid());
            assertSame(publicKey, kek.publicKey());
            assertEquals(type.rsaBits() / 8, kek.modulusBytes());
        }
    }

    @Test
    void refusesKeksOfOtherSizes() throws Exception {
        for (int bits : new int[] {1024, 2047, 2056, 8192}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KeyExchangeKey.of(KID, rsaPublicKeyOfBits(bits)));
            assertEquals("the key exchange key has a " + bits + "-bit modulus; Azure Key Vault key exchange keys are RSA"
                    + " of 2048, 3072 or 4096 bits", e.getMessage());
        }
        KeyPairGenerator real1024 = KeyPairGenerator.getInstance("RSA");
        real1024.initialize(1024);
        assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.of(KID, real1024.generateKeyPair().getPublic()));
    }

    @Test
    void refusesNonRsaKeks() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        assertEquals("the key exchange key is EC, not RSA (rsaEncryption); Azure Key Vault key exchange keys are RSA of"
                + " 2048, 3072 or 4096 bits",
                assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.of(KID, ec.generateKeyPair().getPublic()))
                        .getMessage());
        KeyPairGenerator pss = KeyPairGenerator.getInstance("RSASSA-PSS");
        pss.initialize(2048);
        PublicKey pssKey = pss.generateKeyPair().getPublic();
        assertTrue(pssKey instanceof java.security.interfaces.RSAPublicKey);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.of(KID, pssKey)).getMessage()
                .startsWith("the key exchange key is RSASSA-PSS, not RSA (rsaEncryption)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        KID,
        "https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef",
        "https://myhsm.managedhsm.azure.net/keys/kek-2/0123456789abcdef0123456789abcdef",
        "https://myvault.vault.azure.cn:443/keys/KEK-for-BYOK/0123456789abcdef0123456789abcdef",
        "https://127.0.0.1:8443/keys/k/0123456789abcdef0123456789abcdef",
    })
    void acceptsVersionedKeyIds(String kid) {
        assertSame(kid, KeyExchangeKey.requireVersionedKeyId(kid));
    }

    @Test
    void acceptsTheLongestKeyName() {
        String kid = "https://v.vault.azure.net/keys/" + "a".repeat(127) + "/" + VERSION;
        assertSame(kid, KeyExchangeKey.requireVersionedKeyId(kid));
    }

    @Test
    void refusesUnversionedAndMalformedIdsSayingWhatIsWrong() {
        String base = "https://myvault.vault.azure.net/keys/kek";
        assertRefused(base, "has no version; Azure needs the KEK's versioned id");
        assertRefused(base + "/", "has no version");
        assertRefused(base + "/" + VERSION + "/", "has extra path segments after the version");
        assertRefused(base + "/" + VERSION.toUpperCase(java.util.Locale.ROOT),
                "has an upper-case version; use the id exactly as Key Vault returns it, in lower case");
        assertRefused(base + "/" + VERSION.substring(1), "has an invalid version (32 lower-case hex digits are required)");
        assertRefused(base + "/" + VERSION + "0", "has an invalid version");
        assertRefused(base + "/" + VERSION.replace('e', 'g'), "has an invalid version");
        assertRefused("http://myvault.vault.azure.net/keys/kek/" + VERSION, "does not start with https://");
        assertRefused("myvault.vault.azure.net/keys/kek/" + VERSION, "does not start with https://");
        assertRefused("https://myvault.vault.azure.net/secrets/kek/" + VERSION, "is not a key id");
        assertRefused("https://myvault.vault.azure.net/kek/" + VERSION, "is not a key id");
        assertRefused("https://myvault.vault.azure.net/keys/k_e_k/" + VERSION, "has an invalid key name");
        assertRefused("https://myvault.vault.azure.net/keys/" + "a".repeat(128) + "/" + VERSION, "has an invalid key name");
        assertRefused("https://myvault.vault.azure.net/keys//" + VERSION, "has an invalid key name");
        assertRefused(base + "/" + VERSION + "?api-version=7.4", "has a query or fragment");
        assertRefused(base + "/" + VERSION + "#x", "has a query or fragment");
        assertRefused("https://user@myvault.vault.azure.net/keys/kek/" + VERSION, "has no valid host name");
        assertRefused("https:///keys/kek/" + VERSION, "has no valid host name");
        assertRefused("https://myvault.vault.azure.net:0/keys/kek/" + VERSION, "has a port outside 1-65535");
        assertRefused("https://myvault.vault.azure.net:70000/keys/kek/" + VERSION, "has a port outside 1-65535");
        assertRefused(" " + KID, "contains a space, control or non-ASCII character");
        assertRefused(KID + "\n", "contains a space, control or non-ASCII character");
        assertRefused("https://myvault.vault.azure.net/keys/k\u00e9k/" + VERSION, "contains a space, control or non-ASCII");
        assertEquals("the key exchange key id is missing; " + EXPECTED_FORM,
                assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.requireVersionedKeyId("")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.requireVersionedKeyId(null));
    }

    @Test
    void anUnversionedIdIsRefusedWithTheKeyToo() {
        assertThrows(IllegalArgumentException.class, () -> KeyExchangeKey.of(
                "https://myvault.vault.azure.net/keys/kek", TestRsaKeys.kek(KeyType.RSA_2048).getPublic()));
    }

    private static void assertRefused(String kid, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyExchangeKey.requireVersionedKeyId(kid));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().endsWith(EXPECTED_FORM), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
