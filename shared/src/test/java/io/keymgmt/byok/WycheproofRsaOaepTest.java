package io.keymgmt.byok;

import static io.keymgmt.byok.TestJson.asList;
import static io.keymgmt.byok.TestJson.asObject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * RSA-OAEP with SHA-1 and MGF1-SHA-1 through the one OAEP construction the BYOK wrapper uses
 * ({@link RsaAesKeyWrap#oaepCipher}), against every Wycheproof rsa_oaep_2048_sha1_mgf1sha1 vector.
 * Vectors with a label go through the same construction with that label.
 */
class WycheproofRsaOaepTest {

    private static final String FILE = "/wycheproof/rsa_oaep_2048_sha1_mgf1sha1_test.json";
    private static final HexFormat HEX = HexFormat.of();

    private static Map<String, Object> onlyGroup() {
        List<Object> groups = asList(TestJson.resource(FILE).get("testGroups"));
        assertEquals(1, groups.size());
        Map<String, Object> group = asObject(groups.get(0));
        assertEquals("SHA-1", group.get("sha"));
        assertEquals("MGF1", group.get("mgf"));
        assertEquals("SHA-1", group.get("mgfSha"));
        return group;
    }

    private static List<Map<String, Object>> vectors() {
        List<Map<String, Object>> vectors = new ArrayList<>();
        for (Object test : asList(onlyGroup().get("tests"))) {
            vectors.add(asObject(test));
        }
        return vectors;
    }

    @Test
    void everyVectorOfTheFileIsRun() {
        Map<String, Object> file = TestJson.resource(FILE);
        assertEquals(((Number) file.get("numberOfTests")).intValue(), vectors().size());
        assertEquals(36, vectors().size());
        assertEquals(17, vectors().stream().filter(v -> "valid".equals(v.get("result"))).count());
        assertEquals(19, vectors().stream().filter(v -> "invalid".equals(v.get("result"))).count());
        assertEquals(7, vectors().stream().filter(v -> !((String) v.get("label")).isEmpty()).count());
    }

    @TestFactory
    Stream<DynamicTest> wycheproofRsaOaepSha1Mgf1Sha1() throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex((String) onlyGroup().get("privateKeyPkcs8"))));
        return vectors().stream().map(v -> DynamicTest.dynamicTest("tcId " + v.get("tcId") + " " + v.get("result")
                + " " + v.get("comment"), () -> check(key, v)));
    }

    private static void check(PrivateKey key, Map<String, Object> vector) throws GeneralSecurityException {
        byte[] msg = HEX.parseHex((String) vector.get("msg"));
        byte[] ct = HEX.parseHex((String) vector.get("ct"));
        byte[] label = HEX.parseHex((String) vector.get("label"));
        PSource.PSpecified source = label.length == 0 ? PSource.PSpecified.DEFAULT : new PSource.PSpecified(label);
        Cipher cipher = RsaAesKeyWrap.oaepCipher(Cipher.DECRYPT_MODE, key, source, new SecureRandom());
        switch ((String) vector.get("result")) {
            case "valid":
                assertArrayEquals(msg, cipher.doFinal(ct));
                break;
            case "invalid":
                assertThrows(GeneralSecurityException.class, () -> cipher.doFinal(ct));
                break;
            default:
                fail("unexpected result " + vector.get("result"));
        }
    }
}
