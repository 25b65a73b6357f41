package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.ADMIN_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.cryptography.models.SignatureAlgorithm;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.ImportKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * BYOK import of transfer blobs built here with the JDK (RSA-OAEP SHA-1 and AES/KWP), which the
 * emulator unwraps with BouncyCastle: two independent implementations of CKM_RSA_AES_KEY_WRAP must
 * agree, and the imported key must be the very key that was sent.
 */
class ByokImportTest {

    private static final String VAULT = "kv-byok";
    private static final String OTHER_VAULT = "kv-other";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static KeyVaultEmulator emulator;
    private static KeyClient keys;
    private static KeyVaultKey kek;
    private static KeyPair target;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT, OTHER_VAULT).build());
        keys = SdkClients.keyClient(emulator, VAULT, ADMIN_ID, ADMIN_SECRET);
        kek = createKek(keys, "kek-2048", 2048);
        target = KeyLifecycleTest.rsa(2048);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void importsTheWrappedKeyAsRsaHsmWithTheCallersKeyOps() throws Exception {
        KeyVaultKey imported = keys.importKey(new ImportKeyOptions("byok-target",
                byokKey(blob(kek.getId(), wrap(kek, target.getPrivate().getEncoded())), KeyOperation.SIGN,
                        KeyOperation.VERIFY)));
        assertEquals(KeyType.RSA_HSM, imported.getKeyType());
        assertEquals(List.of(KeyOperation.SIGN, KeyOperation.VERIFY), imported.getKeyOperations());
        assertSamePublicKey((RSAPublicKey) target.getPublic(), imported);
        assertVaultSignsWith(imported, (RSAPublicKey) target.getPublic());
    }

    @Test
    void importsA3072BitKeyUnderA4096BitKek() throws Exception {
        KeyVaultKey bigKek = createKek(keys, "kek-4096", 4096);
        KeyPair bigTarget = KeyLifecycleTest.rsa(3072);
        KeyVaultKey imported = keys.importKey(new ImportKeyOptions("byok-3072",
                byokKey(blob(bigKek.getId(), wrap(bigKek, bigTarget.getPrivate().getEncoded())), KeyOperation.SIGN)));
        assertSamePublicKey((RSAPublicKey) bigTarget.getPublic(), imported);
        assertVaultSignsWith(imported, (RSAPublicKey) bigTarget.getPublic());
    }

    @Test
    void acceptsKeyHsmInStandardBase64WithPadding() {
        byte[] blob = blob(kek.getId(), wrap(kek, target.getPrivate().getEncoded()));
        ObjectNode body = RestCalls.JSON.createObjectNode();
        ObjectNode key = body.putObject("key");
        key.put("kty", "RSA-HSM");
        key.putArray("key_ops").add("sign");
        key.put("key_hsm", Base64.getEncoder().encodeToString(blob));
        RestCalls.Reply reply = new RestCalls(emulator).send("PUT",
                RestCalls.at(emulator.vaultUrl(VAULT), "/keys/byok-std-base64"), token(), body.toString());
        assertEquals(200, reply.status(), reply.text());
        assertEquals(((RSAPublicKey) target.getPublic()).getModulus(),
                new BigInteger(1, Base64.getUrlDecoder().decode(reply.json().path("key").path("n").asText())));
    }

    @Test
    void refusesBlobsThatAreNotTheTransferFormat() {
        byte[] ciphertext = wrap(kek, target.getPrivate().getEncoded());
        String ct = Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext);
        assertRefused("not json".getBytes(StandardCharsets.UTF_8), "is not a BYOK transfer blob");
        assertRefused(json("2.0.0", kek.getId(), "dir", "CKM_RSA_AES_KEY_WRAP", ct),
                "schema_version is \"2.0.0\"; the accepted schema_version is \"1.0.0\"");
        assertRefused(json("1.0.0", kek.getId(), "RSA-OAEP", "CKM_RSA_AES_KEY_WRAP", ct),
                "header.alg is \"RSA-OAEP\"; the accepted value is \"dir\"");
        assertRefused(json("1.0.0", kek.getId(), "dir", "CKM_RSA_AES_KEY_WRAP_PAD", ct),
                "header.enc is \"CKM_RSA_AES_KEY_WRAP_PAD\"; the accepted value is \"CKM_RSA_AES_KEY_WRAP\"");
        assertRefused(json("1.0.0", kek.getId(), "dir", "CKM_RSA_AES_KEY_WRAP", null), "has no ciphertext");
    }

    @Test
    void refusesKeksThatAreNotAnEnabledImportOnlyRsaHsmKeyOfThisVault() {
        byte[] pkcs8 = target.getPrivate().getEncoded();

        KeyClient other = SdkClients.keyClient(emulator, OTHER_VAULT, ADMIN_ID, ADMIN_SECRET);
        KeyVaultKey foreignKek = createKek(other, "foreign-kek", 2048);
        assertRefused(blob(foreignKek.getId(), wrap(foreignKek, pkcs8)), "is not a key of this vault ("
                + emulator.vaultUrl(VAULT) + "); the KEK must be created in the vault the key is imported into");

        String unversioned = emulator.vaultUrl(VAULT) + "/keys/kek-2048";
        assertRefused(blob(unversioned, wrap(kek, pkcs8)), "has no version");
        assertRefused(blob(unversioned + "/00000000000000000000000000000000", wrap(kek, pkcs8)),
                "names a key version that does not exist in this vault");

        KeyVaultKey softKek = keys.createRsaKey(new CreateRsaKeyOptions("soft-kek").setKeyOperations(KeyOperation.IMPORT));
        assertRefused(blob(softKek.getId(), wrap(softKek, pkcs8)), "is kty RSA; a key exchange key must be an RSA-HSM key");

        KeyVaultKey broadKek = keys.createRsaKey(new CreateRsaKeyOptions("broad-kek").setHardwareProtected(true)
                .setKeyOperations(KeyOperation.IMPORT, KeyOperation.WRAP_KEY));
        assertRefused(blob(broadKek.getId(), wrap(broadKek, pkcs8)),
                "has key_ops [import, wrapKey]; a key exchange key must have exactly [\"import\"]");

        KeyVaultKey disabledKek = createKek(keys, "disabled-kek", 2048);
        keys.updateKeyProperties(disabledKek.getProperties().setEnabled(false));
        assertRefused(blob(disabledKek.getId(), wrap(disabledKek, pkcs8)), "is disabled");
    }

    @Test
    void refusesCiphertextsThatDoNotUnwrap() {
        byte[] pkcs8 = target.getPrivate().getEncoded();
        KeyVaultKey otherKek = createKek(keys, "other-kek", 2048);
        assertRefused(blob(kek.getId(), wrap(otherKek, pkcs8)), "its first 256 bytes are not RSA-OAEP");

        byte[] corrupted = wrap(kek, pkcs8);
        corrupted[corrupted.length - 1] ^= 1;
        assertRefused(blob(kek.getId(), corrupted), "are not AES Key Wrap with Padding (RFC 5649)");

        assertRefused(blob(kek.getId(), java.util.Arrays.copyOf(wrap(kek, pkcs8), 200)), "it must be 256 bytes of RSA-OAEP");

        byte[] notAKey = new byte[300];
        RANDOM.nextBytes(notAKey);
        assertRefused(blob(kek.getId(), wrap(kek, notAKey)), "is not a DER PKCS#8 PrivateKeyInfo of an RSA key");

        assertRefused(blob(kek.getId(), wrap(kek, KeyLifecycleTest.rsa(1024).getPrivate().getEncoded())),
                "has 1024 bits; accepted RSA key sizes are 2048, 3072 and 4096 bits");
    }

    @Test
    void rsaHsmNeedsABlobAndABlobNeedsRsaHsm() {
        JsonWebKey plainAsHsm = JsonWebKey.fromRsa(target).setKeyType(KeyType.RSA_HSM);
        HttpResponseException noBlob = assertThrows(HttpResponseException.class,
                () -> keys.importKey(new ImportKeyOptions("hsm-without-blob", plainAsHsm)));
        assertEquals(400, noBlob.getResponse().getStatusCode());
        assertTrue(noBlob.getMessage().contains("kty RSA-HSM requires key.key_hsm"), noBlob.getMessage());

        JsonWebKey blobAsSoftware = new JsonWebKey().setKeyType(KeyType.RSA)
                .setT(blob(kek.getId(), wrap(kek, target.getPrivate().getEncoded())));
        HttpResponseException softBlob = assertThrows(HttpResponseException.class,
                () -> keys.importKey(new ImportKeyOptions("blob-as-rsa", blobAsSoftware)));
        assertEquals(400, softBlob.getResponse().getStatusCode());
        assertTrue(softBlob.getMessage().contains("accepted only with kty RSA-HSM"), softBlob.getMessage());
    }

    private static void assertRefused(byte[] blob, String expectedMessagePart) {
        HttpResponseException refused = assertThrows(HttpResponseException.class,
                () -> keys.importKey(new ImportKeyOptions("refused-target", byokKey(blob, KeyOperation.SIGN))));
        assertEquals(400, refused.getResponse().getStatusCode(), refused.getMessage());
        assertTrue(refused.getMessage().contains("\"code\":\"BadParameter\""), refused.getMessage());
        assertTrue(SdkClients.errorMessage(refused).contains(expectedMessagePart), refused.getMessage());
        assertEquals(404, assertThrows(HttpResponseException.class, () -> keys.getKey("refused-target"))
                .getResponse().getStatusCode(), "a refused import must not create a version");
    }

    static KeyVaultKey createKek(KeyClient client, String name, int bits) {
        return client.createRsaKey(new CreateRsaKeyOptions(name).setKeySize(bits).setHardwareProtected(true)
                .setKeyOperations(KeyOperation.IMPORT));
    }

    /** CKM_RSA_AES_KEY_WRAP with the JDK: RSA-OAEP(SHA-1, MGF1-SHA-1) of a fresh AES-256 key, then AES/KWP. */
    static byte[] wrap(KeyVaultKey kek, byte[] plaintext) {
        try {
            RSAPublicKey kekPublic = (RSAPublicKey) kek.getKey().toRsa(false).getPublic();
            byte[] aes = new byte[32];
            RANDOM.nextBytes(aes);
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, kekPublic, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
                    PSource.PSpecified.DEFAULT));
            byte[] wrappedAes = oaep.doFinal(aes);
            Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding");
            kwp.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aes, "AES"));
            byte[] wrappedKey = kwp.doFinal(plaintext);
            byte[] ciphertext = new byte[wrappedAes.length + wrappedKey.length];
            System.arraycopy(wrappedAes, 0, ciphertext, 0, wrappedAes.length);
            System.arraycopy(wrappedKey, 0, ciphertext, wrappedAes.length, wrappedKey.length);
            return ciphertext;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] blob(String kid, byte[] ciphertext) {
        return json("1.0.0", kid, "dir", "CKM_RSA_AES_KEY_WRAP",
                Base64.getUrlEncoder().withoutPadding().encodeToString(ciphertext));
    }

    private static byte[] json(String schema, String kid, String alg, String enc, String ciphertext) {
        ObjectNode blob = RestCalls.JSON.createObjectNode();
        blob.put("schema_version", schema);
        ObjectNode header = blob.putObject("header");
        header.put("kid", kid);
        header.put("alg", alg);
        header.put("enc", enc);
        if (ciphertext != null) {
            blob.put("ciphertext", ciphertext);
        }
        blob.put("generator", "keymgmt emulator test; JDK");
        return blob.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonWebKey byokKey(byte[] blob, KeyOperation... ops) {
        return new JsonWebKey().setKeyType(KeyType.RSA_HSM).setT(blob).setKeyOps(List.of(ops));
    }

    private static void assertSamePublicKey(RSAPublicKey expected, KeyVaultKey imported) {
        RSAPublicKey actual = (RSAPublicKey) imported.getKey().toRsa(false).getPublic();
        assertEquals(expected.getModulus(), actual.getModulus());
        assertEquals(expected.getPublicExponent(), actual.getPublicExponent());
    }

    private static void assertVaultSignsWith(KeyVaultKey imported, RSAPublicKey expected) throws Exception {
        byte[] message = "signed inside the vault".getBytes(StandardCharsets.UTF_8);
        byte[] signature = SdkClients.cryptographyClient(emulator, imported.getId(), ADMIN_ID, ADMIN_SECRET)
                .sign(SignatureAlgorithm.RS256, MessageDigest.getInstance("SHA-256").digest(message)).getSignature();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(expected);
        verifier.update(message);
        assertTrue(verifier.verify(signature), "the imported key must be the private key that was wrapped");
    }

    private static String token() {
        return emulator.issueToken(ADMIN_ID, "https://vault.azure.net", Duration.ofMinutes(5));
    }
}
