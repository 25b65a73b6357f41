package io.keymgmt.byok;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.OpenSsl;
import io.keymgmt.keys.TestRsaKeys;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenSSL as a foreign implementation: a blob from our code, split at the KEK's modulus size, is
 * unwrapped with openssl's RSA-OAEP (SHA-1, MGF1-SHA-1) and its id-aes256-wrap-pad, the recipe the
 * reference gives, and yields the same PKCS#8. Fails, never skips, when openssl is missing.
 */
class OpenSslUnwrapTest {

    @TempDir
    Path temp;

    @ParameterizedTest(name = "KEK {0}, target {1}")
    @MethodSource("io.keymgmt.byok.KeyTransferRoundTripTest#everyKekSizeWithEveryTargetSize")
    void opensslUnwrapsOurBlobToTheSamePkcs8(KeyType kekType, KeyType targetType) throws Exception {
        KeyExchangeKey kek = KeyExchangeKey.of(KeyTransferRoundTripTest.KID, TestRsaKeys.kek(kekType).getPublic());
        byte[] json;
        try (SecretBytes target = TestRsaKeys.targetPkcs8(targetType)) {
            json = KeyTransferBlob.wrap(kek, target, KeyTransferRoundTripTest.GENERATOR).toJson();
        }
        byte[] ciphertext = KeyTransferBlob.parse(json).ciphertext();
        int split = kekType.rsaBits() / 8;

        Path kekPem = Files.writeString(temp.resolve("kek.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(TestRsaKeys.kekPrivate(kekType).getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Path oaepPart = Files.write(temp.resolve("aes-key.oaep"), Arrays.copyOf(ciphertext, split));
        Path kwpPart = Files.write(temp.resolve("target.kwp"), Arrays.copyOfRange(ciphertext, split, ciphertext.length));

        byte[] aesKey = OpenSsl.run(temp, "pkeyutl", "-decrypt", "-inkey", kekPem.toString(), "-in", oaepPart.toString(),
                "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha1", "-pkeyopt", "rsa_mgf1_md:sha1");
        assertEquals(32, aesKey.length, "openssl recovers a 32-byte AES key");
        byte[] pkcs8 = OpenSsl.run(temp, "enc", "-d", "-id-aes256-wrap-pad", "-iv", "A65959A6",
                "-K", HexFormat.of().formatHex(aesKey), "-in", kwpPart.toString());
        assertArrayEquals(TestRsaKeys.targetPkcs8Bytes(targetType), pkcs8);
    }
}
