package io.keymgmt.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.KeyOperation;
import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.TokenCredentialFactory;
import io.keymgmt.secrets.SecretBytes;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.transport.AzureHttpClients;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production sealer: data keys wrapped by a Key Vault RSA key (RSA-OAEP-256), here in the
 * emulator through the unmodified SDK, signed in as a service principal.
 */
class KeyVaultKeyEncryptionKeyTest {

    private static LocalKeyVaults vaults;
    private static HttpClient http;
    private static TokenCredential credential;
    private static KeyClient keys;

    @BeforeAll
    static void start() {
        vaults = LocalKeyVaults.start();
        http = AzureHttpClients.create(Optional.of(vaults.caCertificateFile()));
        AzureEnvironment emulator = AzureEnvironment.custom("KeyVaultEmulator")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost(vaults.emulator().authorityHost().toString())
                .verifyChallengeResource(false)
                .vaultUrls(vaults.vaultUrls())
                .build();
        credential = new TokenCredentialFactory(http).clientSecret(emulator, LocalKeyVaults.TENANT_ID,
                LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID,
                SecretBytes.copyOf(vaults.servicePrincipalSecret().getBytes(StandardCharsets.UTF_8)));
        keys = new KeyClientBuilder().vaultUrl(vaults.vaultUrl(LocalKeyVaults.SEAL_VAULT).toString())
                .credential(credential).httpClient(http).disableChallengeResourceVerification().buildClient();
    }

    @AfterAll
    static void stop() {
        vaults.close();
    }

    private static String newSealingKeyVersion(String name) {
        return keys.createRsaKey(new CreateRsaKeyOptions(name).setKeySize(3072)
                .setKeyOperations(KeyOperation.WRAP_KEY, KeyOperation.UNWRAP_KEY)).getId();
    }

    private static KeyVaultKeyEncryptionKey open(String kid) {
        return KeyVaultKeyEncryptionKey.open(kid, credential, http, false);
    }

    @Test
    void sealsAndUnsealsThroughTheVault() {
        KeyVaultKeyEncryptionKey kek = open(newSealingKeyVersion("seal-roundtrip"));
        EnvelopeSealer sealer = new EnvelopeSealer(kek);
        byte[] secret = "a PKCS#8 private key, say".getBytes(StandardCharsets.UTF_8);
        SealedBlob blob = sealer.seal(SecretBytes.copyOf(secret), AssociatedData.keyVersion("payments", 3));
        assertEquals(kek.id(), blob.kekId());
        try (SecretBytes opened = sealer.unseal(SealedBlob.parse(blob.toBytes()), AssociatedData.keyVersion("payments", 3))) {
            assertArrayEquals(secret, opened.copyBytes());
        }
        assertThrows(SealingException.class,
                () -> sealer.unseal(blob, AssociatedData.keyVersion("payments", 4)), "another owner must not open it");
    }

    @Test
    void aTamperedBlobOrAnotherVaultKeyFailsLoudly() {
        EnvelopeSealer sealer = new EnvelopeSealer(open(newSealingKeyVersion("seal-tamper")));
        SealedBlob blob = sealer.seal(SecretBytes.copyOf(new byte[] {1, 2, 3}), AssociatedData.providerCredentials("kv1"));
        byte[] bytes = blob.toBytes();
        bytes[bytes.length - 1] ^= 1;
        assertThrows(SealingException.class,
                () -> sealer.unseal(SealedBlob.parse(bytes), AssociatedData.providerCredentials("kv1")));
        EnvelopeSealer other = new EnvelopeSealer(open(newSealingKeyVersion("seal-other")));
        assertThrows(SealingException.class, () -> other.unseal(blob, AssociatedData.providerCredentials("kv1")));
    }

    @Test
    void blobsSealedBeforeTheKeyWasRotatedStillOpen() {
        KeyVaultKeyEncryptionKey first = open(newSealingKeyVersion("seal-rotating"));
        SealedBlob old = new EnvelopeSealer(first)
                .seal(SecretBytes.copyOf(new byte[] {42}), AssociatedData.providerCredentials("kv1"));
        KeyVaultKeyEncryptionKey second = open(newSealingKeyVersion("seal-rotating"));
        assertNotEquals(first.id(), second.id());
        EnvelopeSealer sealer = new EnvelopeSealer(second,
                KeyVaultKeyEncryptionKey.resolver(second, credential, http, false), new SecureRandom());
        try (SecretBytes opened = sealer.unseal(old, AssociatedData.providerCredentials("kv1"))) {
            assertArrayEquals(new byte[] {42}, opened.copyBytes());
        }
        assertTrue(sealer.seal(SecretBytes.copyOf(new byte[] {7}), AssociatedData.providerCredentials("kv1"))
                .kekId().equals(second.id()), "new blobs use the current version");
    }

    @Test
    void onlyVersionedKeyIdsAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> open(vaults.vaultUrl(LocalKeyVaults.SEAL_VAULT) + "/keys/seal"));
    }
}
