package io.keymgmt.byok;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyTransferBlobTest {

    private static final String KID = "https://myvault.vault.azure.net/keys/kek/0123456789abcdef0123456789abcdef";

    /** 272 bytes 0x00, 0x01, ... 0xff, 0x00, ...: the smallest legal length, with every byte value for base64url. */
    private static byte[] ciphertext() {
        byte[] bytes = new byte[272];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String json(String kid, String ciphertext, String generator) {
        return "{\"schema_version\":\"1.0.0\",\"header\":{\"kid\":\"" + kid + "\",\"alg\":\"dir\",\"enc\":\"CKM_RSA_AES_KEY_WRAP\"},"
                + "\"ciphertext\":\"" + ciphertext + "\",\"generator\":\"" + generator + "\"}";
    }

    @Test
    void writesTheSpecificationsDocumentExactly() {
        byte[] written = KeyTransferBlob.of(KID, ciphertext(), "BYOK tool 1.0; no HSM").toJson();
        assertEquals(json(KID, base64url(ciphertext()), "BYOK tool 1.0; no HSM"), new String(written, StandardCharsets.UTF_8));
        // 272 bytes -> 363 characters, ending in the URL-safe characters for 0xfe 0xff ... and no '='.
        String encoded = base64url(ciphertext());
        assertEquals(363, encoded.length());
        assertTrue(encoded.contains("-") && encoded.contains("_") && !encoded.contains("=") && !encoded.contains("+"));
    }

    @Test
    void escapesTheGeneratorAsJsonAndWritesUtf8() {
        String generator = "say \"hi\" \\ tab\t nl\n cr\r bell\u0007 unit\u001f caf\u00e9 \ud83d\udd11 /";
        byte[] written = KeyTransferBlob.of(KID, ciphertext(), generator).toJson();
        String text = new String(written, StandardCharsets.UTF_8);
        assertTrue(text.endsWith(",\"generator\":\"say \\\"hi\\\" \\\\ tab\\t nl\\n cr\\r bell\\u0007 unit\\u001f caf\u00e9"
                + " \ud83d\udd11 /\"}"), text);
        // UTF-8 bytes of e-acute and of the key emoji.
        String hex = HexFormat.of().formatHex(written);
        assertTrue(hex.contains("c3a9") && hex.contains("f09f9491"), hex);
        assertEquals(generator, KeyTransferBlob.parse(written).generator());
        assertEquals(generator, TestJson.parseObject(written).get("generator"), "another parser reads the same text");
    }

    @Test
    void refusesTextUtf8CannotCarry() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.of(KID, ciphertext(), "bad \ud83d"))
                .getMessage().contains("unpaired UTF-16 surrogate"));
    }

    @Test
    void refusesPartsThatCannotBeABlob() {
        assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.of("https://myvault.vault.azure.net/keys/kek",
                ciphertext(), "g"));
        assertEquals("the ciphertext has 264 bytes; a CKM_RSA_AES_KEY_WRAP ciphertext has at least 272 bytes and a multiple of 8",
                assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.of(KID, new byte[264], "g")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.of(KID, new byte[273], "g"));
    }

    @Test
    void keepsItsOwnCopyOfTheCiphertext() {
        byte[] source = ciphertext();
        KeyTransferBlob blob = KeyTransferBlob.of(KID, source, "g");
        source[0] = 42;
        blob.ciphertext()[1] = 42;
        assertArrayEquals(ciphertext(), blob.ciphertext());
    }

    @Test
    void parsesAnyFieldOrderAndJsonWhitespace() {
        String encoded = base64url(ciphertext());
        String reordered = " {\n \"generator\" : \"g\\u00e9\\/x\",\r\n\t\"ciphertext\":\"" + encoded + "\", \"header\": {\"enc\":"
                + "\"CKM_RSA_AES_KEY_WRAP\", \"alg\":\"dir\", \"kid\":\"" + KID.replace("/", "\\/") + "\"},"
                + " \"schema_version\":\"1.0.0\" }\n";
        KeyTransferBlob blob = KeyTransferBlob.parse(reordered.getBytes(StandardCharsets.UTF_8));
        assertEquals(KID, blob.kid());
        assertEquals("g\u00e9/x", blob.generator());
        assertArrayEquals(ciphertext(), blob.ciphertext());
    }

    @Test
    void parsingIsStrict() {
        String encoded = base64url(ciphertext());
        String good = json(KID, encoded, "g");
        KeyTransferBlob.parse(good.getBytes(StandardCharsets.UTF_8));

        assertRefused(good.replace("\"generator\":\"g\"", "\"generator\":\"g\",\"extra\":\"x\""),
                "has an unknown field \"extra\"");
        assertRefused(good.replace(",\"generator\":\"g\"", ""), "has no \"generator\" field");
        assertRefused(good.replace("\"alg\":\"dir\",", ""), "header has no \"alg\" field");
        assertRefused(good.replace("\"alg\":\"dir\"", "\"alg\":\"dir\",\"x5t\":\"a\""), "header has an unknown field \"x5t\"");
        assertRefused(good.replace("\"generator\":\"g\"", "\"generator\":\"g\",\"generator\":\"h\""), "appears twice");
        assertRefused(good.replace("1.0.0", "1.0.1"), "schema_version is \"1.0.1\"; only \"1.0.0\" is accepted");
        assertRefused(good.replace("\"dir\"", "\"RSA-OAEP\""), "header.alg is \"RSA-OAEP\"; only \"dir\" is accepted");
        assertRefused(good.replace("CKM_RSA_AES_KEY_WRAP", "CKM_RSA_AES_KEY_WRAP_PAD"), "header.enc");
        assertRefused(good.replace("\"generator\":\"g\"", "\"generator\":1"), "is not a string or an object");
        assertRefused(good.replace("\"generator\":\"g\"", "\"generator\":null"), "is not a string or an object");
        assertRefused(good.replace("\"generator\":\"g\"", "\"generator\":[\"g\"]"), "is not a string or an object");
        assertRefused(good.replace("\"schema_version\":\"1.0.0\"", "\"schema_version\":{}"), "must be a string");
        assertRefused(good.replace("\"header\":{", "\"header\":\"x\",\"h\":{"), "unknown field \"h\"");
        assertRefused(good + "x", "content after the closing }");
        assertRefused(good + "{}", "content after the closing }");
        assertRefused(good.substring(0, good.length() - 1), "unexpected end of the document");
        assertRefused(good.replace("\"g\"", "\"g\u0001\""), "a control character inside a string");
        assertRefused(good.replace("\"g\"", "\"\\x\""), "an invalid escape");
        assertRefused("[]", "expected {");

        assertRefused(json(KID, encoded + "=", "g"), "not base64url without padding");
        String padded = Base64.getUrlEncoder().encodeToString(Arrays.copyOf(ciphertext(), 280));
        assertTrue(padded.endsWith("="));
        assertRefused(json(KID, padded, "g"), "not base64url without padding");
        assertRefused(json(KID, Base64.getEncoder().withoutPadding().encodeToString(ciphertext()), "g"),
                "not base64url without padding");
        // 272 bytes end in a 2-byte group: its third character has 2 spare bits ("8" here); "9" sets one.
        // The JDK decoder ignores them and decodes the same bytes, so only the strict check catches it.
        assertTrue(encoded.endsWith("8"), encoded);
        String nonCanonical = encoded.substring(0, encoded.length() - 1) + "9";
        assertArrayEquals(ciphertext(), Base64.getUrlDecoder().decode(nonCanonical));
        assertRefused(json(KID, nonCanonical, "g"), "not canonical base64url");
        assertRefused(json("https://myvault.vault.azure.net/keys/kek", encoded, "g"), "has no version");

        byte[] invalidUtf8 = good.getBytes(StandardCharsets.UTF_8);
        invalidUtf8[invalidUtf8.length - 4] = (byte) 0xff;
        assertEquals("the key transfer blob is not valid UTF-8",
                assertThrows(IllegalArgumentException.class, () -> KeyTransferBlob.parse(invalidUtf8)).getMessage());
    }

    private static void assertRefused(String json, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyTransferBlob.parse(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
