package io.keymgmt.byok;

import static io.keymgmt.byok.TestJson.asList;
import static io.keymgmt.byok.TestJson.asObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AES Key Wrap with Padding (RFC 5649) through the exact calls the BYOK wrapper makes
 * ({@link RsaAesKeyWrap#aesKwpWrap}), against every Wycheproof aes_kwp vector.
 */
class WycheproofAesKwpTest {

    private static final String FILE = "/wycheproof/aes_kwp_test.json";
    private static final HexFormat HEX = HexFormat.of();

    private static List<Map<String, Object>> vectors() {
        Map<String, Object> file = TestJson.resource(FILE);
        List<Map<String, Object>> vectors = new ArrayList<>();
        for (Object group : asList(file.get("testGroups"))) {
            Map<String, Object> g = asObject(group);
            assertEquals("KeywrapTest", g.get("type"));
            for (Object test : asList(g.get("tests"))) {
                vectors.add(asObject(test));
            }
        }
        return vectors;
    }

    @Test
    void everyVectorOfTheFileIsRun() {
        Map<String, Object> file = TestJson.resource(FILE);
        List<Map<String, Object>> vectors = vectors();
        assertEquals("AES-KWP", file.get("algorithm"));
        assertEquals(((Number) file.get("numberOfTests")).intValue(), vectors.size());
        assertEquals(254, vectors.size());
        assertEquals(77, vectors.stream().filter(v -> "valid".equals(v.get("result"))).count());
        assertEquals(177, vectors.stream().filter(v -> "invalid".equals(v.get("result"))).count());
    }

    @TestFactory
    Stream<DynamicTest> wycheproofAesKwp() {
        return vectors().stream().map(v -> DynamicTest.dynamicTest("tcId " + v.get("tcId") + " " + v.get("result")
                + " " + v.get("comment"), () -> check(v)));
    }

    private static void check(Map<String, Object> vector) throws GeneralSecurityException {
        byte[] key = HEX.parseHex((String) vector.get("key"));
        byte[] msg = HEX.parseHex((String) vector.get("msg"));
        byte[] ct = HEX.parseHex((String) vector.get("ct"));
        switch ((String) vector.get("result")) {
            case "valid":
                assertArrayEquals(ct, RsaAesKeyWrap.aesKwpWrap(key, msg), "wrap");
                assertArrayEquals(msg, RsaAesKeyWrap.aesKwpUnwrap(key, ct), "unwrap");
                break;
            case "invalid":
                assertThrows(GeneralSecurityException.class, () -> RsaAesKeyWrap.aesKwpUnwrap(key, ct));
                break;
            default:
                fail("unexpected result " + vector.get("result"));
        }
    }

    /** The vectors reference.md section 2.7 collected (RFC 5649 section 6, the JDK's NISTWrapKAT, Cosmian via openssl). */
    @ParameterizedTest
    @CsvSource({
        "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8, c37b7e6492584340bed12207808941155068f738,"
                + " 138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a",
        "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8, 466f7250617369, afbeb0f07dfbf5419200f2ccb50bb24f",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, 00112233445566, 809bb1864a18938529e97efcd9544e9a",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, 00112233445566778899aabbccdd,"
                + " c68168173f141e6d5767611574a941259090da78d7df9df7",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, 00112233445566778899aabbccddeeff0001020304,"
                + " 308d49692b5f8cf638d54bb4b985633504237329964c76ebb3f669870a708dbc",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f,"
                + " 00112233445566778899aabbccddeeff000102030405060708090a0b,"
                + " 0942747db07032a3f04cdb2e7de1cba038f92bc355393ae9a0e4ae8c901912ac3d3af0f16d240607",
        "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a85840df6e29b02af1,"
                + " afbeb0f07dfbf5419200f2ccb50bb24aafbeb0f07dfbf5419200f2ccb50bb24a,"
                + " 340068e5236ceb5aaca068695fe28266a2dd7b75bdfc46a53f3e4f8c8052f41bd905f3571d04e0f7",
    })
    void publishedKnownAnswers(String key, String plaintext, String wrapped) throws GeneralSecurityException {
        assertArrayEquals(HEX.parseHex(wrapped), RsaAesKeyWrap.aesKwpWrap(HEX.parseHex(key), HEX.parseHex(plaintext)));
        assertArrayEquals(HEX.parseHex(plaintext), RsaAesKeyWrap.aesKwpUnwrap(HEX.parseHex(key), HEX.parseHex(wrapped)));
    }
}
