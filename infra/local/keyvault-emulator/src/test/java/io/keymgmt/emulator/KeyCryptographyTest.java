package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.ADMIN_SECRET;
import static io.keymgmt.emulator.TestDirectory.NOBODY_ID;
import static io.keymgmt.emulator.TestDirectory.NOBODY_SECRET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.models.EncryptionAlgorithm;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.ImportKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyVaultKey;

/**
 * wrapKey/unwrapKey (how the product seals data keys), encrypt/decrypt and the refusals around them.
 * Imported keys let the test check the vault's ciphertexts with the JDK and the private key it sent.
 */
class KeyCryptographyTest {

    private static final String VAULT = "kv-crypto";
    /** May wrap and unwrap but not read keys: the SDK then cannot wrap locally and must ask the vault. */
    private static final String SEALER_ID = "11111111-aaaa-4bbb-8ccc-0000000000c1";
    private static final String SEALER_SECRET = "sealer-secret";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static KeyVaultEmulator emulator;
    private static KeyClient keys;
    private static KeyPair pair;
    private static KeyVaultKey imported;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT)
                .servicePrincipal(SEALER_ID, "21111111-aaaa-4bbb-8ccc-0000000000c1", SEALER_SECRET)
                .accessPolicy(VAULT, SEALER_ID, "wrapkey", "UNWRAPKEY")
                .build());
        keys = SdkClients.keyClient(emulator, VAULT, ADMIN_ID, ADMIN_SECRET);
        pair = KeyLifecycleTest.rsa(2048);
        imported = keys.importKey(new ImportKeyOptions("sealing-key", JsonWebKey.fromRsa(pair, List.of(
                KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY, KeyOperation.ENCRYPT, KeyOperation.DECRYPT))));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void wrapsWithRsaOaep256AsJwaDefinesIt() throws Exception {
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, imported.getId(), ADMIN_ID, ADMIN_SECRET);
        byte[] dataKey = random(32);
        byte[] wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, dataKey).getEncryptedKey();
        assertEquals(256, wrapped.length);
        assertArrayEquals(dataKey, crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped).getKey());

        // SHA-256 with MGF1-SHA-256: the JDK's OAEPWithSHA-256AndMGF1Padding default (MGF1-SHA-1) would fail here.
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(Cipher.DECRYPT_MODE, pair.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1",
                MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        assertArrayEquals(dataKey, jdk.doFinal(wrapped));
    }

    @Test
    void unwrapsWhatTheSdkWrappedLocallyWithRsaOaep() {
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, imported.getId(), ADMIN_ID, ADMIN_SECRET);
        byte[] dataKey = random(32);
        byte[] wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP, dataKey).getEncryptedKey();
        assertArrayEquals(dataKey, crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP, wrapped).getKey());
    }

    @Test
    void aPrincipalWithoutGetWrapsOnTheVault() throws Exception {
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, imported.getId(), SEALER_ID, SEALER_SECRET);
        byte[] dataKey = random(32);
        byte[] wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP, dataKey).getEncryptedKey();
        Cipher jdk = Cipher.getInstance("RSA/ECB/OAEPPadding");
        jdk.init(Cipher.DECRYPT_MODE, pair.getPrivate(), new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
                PSource.PSpecified.DEFAULT));
        assertArrayEquals(dataKey, jdk.doFinal(wrapped));
        assertArrayEquals(dataKey, crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP, wrapped).getKey());
    }

    @Test
    void encryptsAndDecryptsOnTheVault() {
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, imported.getId(), ADMIN_ID, ADMIN_SECRET);
        byte[] plaintext = "a small secret".getBytes();
        byte[] ciphertext = crypto.encrypt(EncryptionAlgorithm.RSA_OAEP_256, plaintext).getCipherText();
        assertFalse(java.util.Arrays.equals(plaintext, ciphertext));
        assertArrayEquals(plaintext, crypto.decrypt(EncryptionAlgorithm.RSA_OAEP_256, ciphertext).getPlainText());
    }

    @Test
    void refusesDisabledKeysKeyOpsAndMissingPermissions() {
        KeyVaultKey signOnly = keys.createRsaKey(new CreateRsaKeyOptions("sign-only").setKeyOperations(KeyOperation.SIGN));
        HttpResponseException notPermitted = assertThrows(HttpResponseException.class, () -> SdkClients
                .cryptographyClient(emulator, signOnly.getId(), ADMIN_ID, ADMIN_SECRET)
                .wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, random(32)));
        assertEquals(403, notPermitted.getResponse().getStatusCode());
        assertTrue(notPermitted.getMessage().contains("Operation wrapKey is not permitted by this key's key_ops [sign]"),
                notPermitted.getMessage());

        KeyVaultKey disabled = keys.createRsaKey(new CreateRsaKeyOptions("disabled-sealer"));
        CryptographyClient crypto = SdkClients.cryptographyClient(emulator, disabled.getId(), ADMIN_ID, ADMIN_SECRET);
        byte[] wrapped = crypto.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, random(32)).getEncryptedKey();
        keys.updateKeyProperties(disabled.getProperties().setEnabled(false));
        HttpResponseException off = assertThrows(HttpResponseException.class,
                () -> crypto.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped));
        assertEquals(403, off.getResponse().getStatusCode());
        assertTrue(off.getMessage().contains("Operation unwrapKey is not allowed on a disabled key."), off.getMessage());
        assertTrue(off.getMessage().contains("KeyDisabled"), off.getMessage());

        HttpResponseException nobody = assertThrows(HttpResponseException.class, () -> SdkClients
                .cryptographyClient(emulator, imported.getId(), NOBODY_ID, NOBODY_SECRET)
                .unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, new byte[256]));
        assertEquals(403, nobody.getResponse().getStatusCode());
        assertTrue(nobody.getMessage().contains("does not have keys unwrapKey permission on key vault 'kv-crypto;"
                + "location=westeurope'"), nobody.getMessage());

        HttpResponseException garbage = assertThrows(HttpResponseException.class, () -> SdkClients
                .cryptographyClient(emulator, imported.getId(), ADMIN_ID, ADMIN_SECRET)
                .unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, random(256)));
        assertEquals(400, garbage.getResponse().getStatusCode());
        assertTrue(garbage.getMessage().contains("could not be decrypted"), garbage.getMessage());
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
