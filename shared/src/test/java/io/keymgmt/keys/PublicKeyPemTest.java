package io.keymgmt.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublicKeyPemTest {

    @TempDir
    Path temp;

    private static List<PublicKey> keysOfEveryVaultAsymmetricType() throws Exception {
        List<PublicKey> keys = new ArrayList<>();
        for (KeyType rsa : List.of(KeyType.RSA_2048, KeyType.RSA_3072, KeyType.RSA_4096)) {
            keys.add(TestRsaKeys.targetPublic(rsa));
        }
        for (String curve : List.of("secp256r1", "secp384r1", "secp521r1")) {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec(curve));
            keys.add(ec.generateKeyPair().getPublic());
        }
        return keys;
    }

    @Test
    void encodingIsByteForByteWhatOpensslPrints() throws Exception {
        int n = 0;
        for (PublicKey key : keysOfEveryVaultAsymmetricType()) {
            Path der = Files.write(temp.resolve("pub" + n++ + ".der"), key.getEncoded());
            String openssl = new String(OpenSsl.run(temp, "pkey", "-pubin", "-inform", "DER", "-in", der.toString(),
                    "-outform", "PEM"), StandardCharsets.US_ASCII);
            assertEquals(openssl, PublicKeyPem.encode(key), key.getAlgorithm() + " key");
        }
    }

    @Test
    void layoutIsVaultsSixtyFourColumnLinesWithTrailingNewline() {
        String pem = PublicKeyPem.encode(TestRsaKeys.targetPublic(KeyType.RSA_2048));
        // Vault's real output for an rsa-2048 key starts like this (reference.md section 1.4).
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB"), pem);
        assertTrue(pem.endsWith("\n-----END PUBLIC KEY-----\n"));
        String[] lines = pem.split("\n", -1);
        assertEquals("", lines[lines.length - 1], "one trailing newline");
        // 294 bytes of SubjectPublicKeyInfo = 392 base64 characters = 6 lines of 64 and one of 8.
        assertEquals(1 + 7 + 1 + 1, lines.length);
        for (int i = 1; i <= 6; i++) {
            assertEquals(64, lines[i].length());
        }
        assertEquals(8, lines[7].length());
        assertTrue(!pem.contains("\r"));
    }

    @Test
    void parsingReadsBackTheSameKeyFromOurOutputOpensslsOutputAndCrlf() throws Exception {
        int n = 0;
        for (PublicKey key : keysOfEveryVaultAsymmetricType()) {
            String pem = PublicKeyPem.encode(key);
            assertArrayEquals(key.getEncoded(), PublicKeyPem.parse(pem).getEncoded());
            assertArrayEquals(key.getEncoded(), PublicKeyPem.parse(pem.replace("\n", "\r\n")).getEncoded());
            assertEquals(key.getAlgorithm(), PublicKeyPem.parse(pem).getAlgorithm());
            // openssl reads our PEM back to the same DER.
            Path file = Files.writeString(temp.resolve("ours" + n++ + ".pem"), pem);
            assertArrayEquals(key.getEncoded(),
                    OpenSsl.run(temp, "pkey", "-pubin", "-in", file.toString(), "-outform", "DER"));
        }
    }

    @Test
    void parsingToleratesOtherLineLengthsAndSurroundingText() {
        PublicKey key = TestRsaKeys.targetPublic(KeyType.RSA_2048);
        String oneLine = "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----";
        assertArrayEquals(key.getEncoded(), PublicKeyPem.parse(oneLine).getEncoded());
        assertArrayEquals(key.getEncoded(), PublicKeyPem.parse("KEK for BYOK\n\n" + oneLine + "\n\n").getEncoded());
    }

    @Test
    void otherPemKindsAreRefusedWithWhatIsAccepted() throws Exception {
        String body = Base64.getEncoder().encodeToString(TestRsaKeys.targetPublic(KeyType.RSA_2048).getEncoded());
        String good = PublicKeyPem.encode(TestRsaKeys.targetPublic(KeyType.RSA_2048));
        assertEquals("the PEM key is PKCS#1 (BEGIN RSA PUBLIC KEY); a SubjectPublicKeyInfo (BEGIN PUBLIC KEY) is required;"
                + " convert it with: openssl rsa -RSAPublicKey_in -in in.pem -pubout -out out.pem",
                refusal("-----BEGIN RSA PUBLIC KEY-----\n" + body + "\n-----END RSA PUBLIC KEY-----\n"));
        assertTrue(refusal("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .startsWith("the PEM text is a certificate; a public key (BEGIN PUBLIC KEY) is required"));
        assertTrue(refusal("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .startsWith("the PEM text is a private key"));
        assertEquals("the text is not PEM: no -----BEGIN PUBLIC KEY----- line was found", refusal(body));
        assertEquals("the PEM block has no -----END PUBLIC KEY----- line", refusal("-----BEGIN PUBLIC KEY-----\n" + body));
        assertTrue(refusal(good + good).startsWith("the PEM text holds more than one block"));
        assertTrue(refusal(good.replace("MIIB", "M*IB")).startsWith("the PEM public key block is not valid base64"));
        assertEquals("the PEM public key block is empty", refusal("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"));
        assertEquals("the PEM public key is not a DER SubjectPublicKeyInfo",
                refusal("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        PublicKey ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertEquals("the PEM public key is Ed25519 (OID 1.3.101.112); accepted are RSA and EC public keys",
                refusal(PublicKeyPem.encode(ed25519)));
    }

    private static String refusal(String pem) {
        return assertThrows(IllegalArgumentException.class, () -> PublicKeyPem.parse(pem)).getMessage();
    }
}
