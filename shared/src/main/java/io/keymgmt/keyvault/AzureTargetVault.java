package io.keymgmt.keyvault;

import com.azure.core.util.Context;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.ImportKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyOperation;
import com.azure.security.keyvault.keys.models.KeyProperties;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import io.keymgmt.byok.KeyExchangeKey;
import io.keymgmt.byok.KeyTransferBlob;
import io.keymgmt.keys.RsaPrivateKeys;
import io.keymgmt.secrets.SecretBytes;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link TargetVault} on the Azure SDK's {@link KeyClient}. */
final class AzureTargetVault implements TargetVault {

    private final URI url;
    private final KeyClient client;
    private final Pacer pacer;

    AzureTargetVault(URI url, KeyClient client, Pacer pacer) {
        this.url = url;
        this.client = client;
        this.pacer = pacer;
    }

    @Override
    public KeyExchangeKey createKeyExchangeKey(String name, int bits) {
        pacer.beforeCreateOrImport(url);
        KeyVaultKey kek = call("create", () -> client.createRsaKey(new CreateRsaKeyOptions(name)
                .setHardwareProtected(true)
                .setKeySize(bits)
                .setKeyOperations(KeyOperation.IMPORT)));
        return toKeyExchangeKey(kek);
    }

    @Override
    public KeyExchangeKey keyExchangeKey(String kid) {
        KeyId id = KeyId.parse(kid);
        KeyVaultKey kek = call("get", () -> client.getKey(id.name(), id.version()));
        KeyProperties properties = kek.getProperties();
        boolean usable = Boolean.TRUE.equals(properties.isEnabled())
                && KeyType.RSA_HSM.equals(kek.getKeyType())
                && List.of(KeyOperation.IMPORT).equals(kek.getKeyOperations());
        if (!usable) {
            throw new KeyVaultException(KeyVaultException.Reason.NOT_FOUND, url.toString(), "get",
                    "key exchange key " + kid + " is no longer an enabled, import-only RSA-HSM key", null, null, null);
        }
        return toKeyExchangeKey(kek);
    }

    @Override
    public ImportedKeyVersion importHsm(String name, KeyTransferBlob blob, List<String> keyOperations,
            boolean enabled, Map<String, String> tags) {
        JsonWebKey jwk = new JsonWebKey()
                .setKeyType(KeyType.RSA_HSM)
                .setT(blob.toJson())
                .setKeyOps(operations(keyOperations));
        return importKey(new ImportKeyOptions(name, jwk).setHardwareProtected(true), enabled, tags);
    }

    @Override
    public ImportedKeyVersion importSoftware(String name, SecretBytes pkcs8, List<String> keyOperations,
            boolean enabled, Map<String, String> tags) {
        // The JWK holds the private key as BigIntegers for the duration of this call only; the JDK
        // gives no way to wipe them, so keep the window small.
        RSAPrivateCrtKey privateKey = RsaPrivateKeys.parsePkcs8(pkcs8);
        JsonWebKey jwk = JsonWebKey.fromRsa(new KeyPair(null, privateKey)).setKeyOps(operations(keyOperations));
        return importKey(new ImportKeyOptions(name, jwk).setHardwareProtected(false), enabled, tags);
    }

    private ImportedKeyVersion importKey(ImportKeyOptions options, boolean enabled, Map<String, String> tags) {
        options.setEnabled(enabled);
        options.setTags(tags);
        pacer.beforeCreateOrImport(url);
        return toVersion(call("import", () -> client.importKeyWithResponse(options, Context.NONE).getValue()));
    }

    @Override
    public Optional<ImportedKeyVersion> findImported(String name, Map<String, String> tags) {
        try {
            // The listing is paged lazily, so a failure (a missing key's 404 too) may surface while iterating.
            for (KeyProperties properties : client.listPropertiesOfKeyVersions(name)) {
                Map<String, String> held = properties.getTags() == null ? Map.of() : properties.getTags();
                if (held.entrySet().containsAll(tags.entrySet())) {
                    String version = properties.getVersion();
                    return Optional.of(toVersion(call("get", () -> client.getKey(name, version))));
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            KeyVaultException translated = e instanceof KeyVaultException k ? k
                    : KeyVaultErrors.translate(url.toString(), "list", e);
            if (translated.reason() == KeyVaultException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw translated;
        }
    }

    @Override
    public void setEnabled(String name, String versionId, boolean enabled) {
        KeyProperties properties = propertiesOf(url + "/keys/" + name + "/" + versionId).setEnabled(enabled);
        // A null operations array leaves key_ops untouched; an empty one would clear them.
        call("update", () -> client.updateKeyPropertiesWithResponse(properties, Context.NONE, (KeyOperation[]) null));
    }

    @Override
    public void delete(String name) {
        try {
            // The SDK models deletion as a long-running operation whose first request (sent when the
            // poller is created) is the soft delete itself; that is all the engine needs, and not
            // polling keeps the get permission on deleted keys out of the requirements.
            call("delete", () -> client.beginDeleteKey(name));
        } catch (KeyVaultException e) {
            if (e.reason() != KeyVaultException.Reason.NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Key properties addressing one version. The SDK sets name and version only from a kid, and its
     * JSON form is the public way to give one without a round trip to the vault.
     */
    private static KeyProperties propertiesOf(String kid) {
        try (JsonReader reader = JsonProviders.createReader("{\"kid\":\"" + kid + "\"}")) {
            return KeyProperties.fromJson(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private <T> T call(String operation, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw KeyVaultErrors.translate(url.toString(), operation, e);
        }
    }

    private static List<KeyOperation> operations(List<String> names) {
        return names.stream().map(KeyOperation::fromString).toList();
    }

    private KeyExchangeKey toKeyExchangeKey(KeyVaultKey kek) {
        JsonWebKey jwk = kek.getKey();
        try {
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(new BigInteger(1, jwk.getN()), new BigInteger(1, jwk.getE())));
            return KeyExchangeKey.of(kek.getId(), publicKey);
        } catch (java.security.GeneralSecurityException e) {
            // Azure answered, but with nothing a KEK can be: its failure (502), not ours.
            throw new KeyVaultException(KeyVaultException.Reason.UNAVAILABLE, url.toString(), "get",
                    "Key Vault returned an unusable RSA public key for " + kek.getId(), null, null, e);
        }
    }

    private static ImportedKeyVersion toVersion(KeyVaultKey key) {
        JsonWebKey jwk = key.getKey();
        return new ImportedKeyVersion(key.getId(), KeyId.parse(key.getId()).version(),
                new BigInteger(1, jwk.getN()), new BigInteger(1, jwk.getE()),
                Boolean.TRUE.equals(key.getProperties().isEnabled()),
                jwk.getKeyOps() == null ? List.of() : jwk.getKeyOps().stream().map(KeyOperation::toString).toList());
    }
}
