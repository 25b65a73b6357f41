package io.keymgmt.seal;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.models.KeyWrapAlgorithm;
import io.keymgmt.secrets.SecretBytes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A key-encryption key held in Azure Key Vault (production): data keys are wrapped and unwrapped by
 * the vault with RSA-OAEP-256, so the key that opens every sealed blob never leaves the vault. Needs
 * the wrapKey and unwrapKey key permissions (and get, which the SDK uses to wrap locally).
 */
public final class KeyVaultKeyEncryptionKey implements KeyEncryptionKey {

    private static final Pattern VERSIONED_KID = Pattern.compile("https://[^/]+/keys/[0-9A-Za-z-]+/[0-9A-Fa-f]{32}");

    private final String kid;
    private final CryptographyClient client;

    private KeyVaultKeyEncryptionKey(String kid, CryptographyClient client) {
        this.kid = kid;
        this.client = client;
    }

    /**
     * @param kid a versioned key id, so that blobs record exactly which key version wrapped them
     * @param verifyChallengeResource false only for the local emulator
     */
    public static KeyVaultKeyEncryptionKey open(String kid, TokenCredential credential, HttpClient httpClient,
            boolean verifyChallengeResource) {
        if (kid == null || !VERSIONED_KID.matcher(kid).matches()) {
            throw new IllegalArgumentException("the sealing key must be a versioned Key Vault key id "
                    + "(https://<vault>/keys/<name>/<32 hex version>), got " + kid);
        }
        CryptographyClientBuilder builder = new CryptographyClientBuilder()
                .keyIdentifier(kid)
                .credential(credential)
                .httpClient(httpClient);
        if (!verifyChallengeResource) {
            builder.disableChallengeResourceVerification();
        }
        return new KeyVaultKeyEncryptionKey(kid, builder.buildClient());
    }

    /**
     * Opens blobs by the key version they name, so blobs wrapped before the sealing key was rotated in
     * Key Vault still open. Only ids in the same vault as {@code current} are followed.
     */
    public static KeyEncryptionKeyResolver resolver(KeyVaultKeyEncryptionKey current, TokenCredential credential,
            HttpClient httpClient, boolean verifyChallengeResource) {
        String vault = current.kid.substring(0, current.kid.indexOf("/keys/"));
        Map<String, KeyVaultKeyEncryptionKey> opened = new ConcurrentHashMap<>();
        opened.put(current.kid, current);
        return kekId -> {
            if (!kekId.startsWith(vault + "/keys/")) {
                throw new SealingException("the blob was sealed with " + kekId + ", which is not in the sealing vault "
                        + vault);
            }
            return opened.computeIfAbsent(kekId, id -> open(id, credential, httpClient, verifyChallengeResource));
        };
    }

    @Override
    public String id() {
        return kid;
    }

    @Override
    public byte[] wrap(SecretBytes dataKey, byte[] aad) {
        // RSA-OAEP binds no associated data; the envelope's GCM layer authenticates it instead.
        return dataKey.read(key -> client.wrapKey(KeyWrapAlgorithm.RSA_OAEP_256, key).getEncryptedKey());
    }

    @Override
    public SecretBytes unwrap(byte[] wrapped, byte[] aad) {
        return SecretBytes.adopt(client.unwrapKey(KeyWrapAlgorithm.RSA_OAEP_256, wrapped).getKey());
    }
}
