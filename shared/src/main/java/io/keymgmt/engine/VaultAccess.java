package io.keymgmt.engine;

import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.credentials.ResolvedCredential;
import io.keymgmt.keyvault.KeyVaultConnector;
import io.keymgmt.keyvault.TargetVault;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.seal.SealedBlob;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a provider into a connected {@link TargetVault}: unseals its credentials, applies the
 * precedence rule, finds the vault's URL in the provider's cloud. Connections are kept per provider
 * until its credentials or vault change, so tokens are reused across requests instead of fetched
 * per call.
 */
final class VaultAccess {

    private record Connection(String fingerprint, TargetVault vault) {
    }

    private final ProviderCredentialSealing sealing;
    private final CredentialResolver resolver;
    private final KeyVaultConnector connector;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    VaultAccess(ProviderCredentialSealing sealing, CredentialResolver resolver, KeyVaultConnector connector) {
        this.sealing = sealing;
        this.resolver = resolver;
        this.connector = connector;
    }

    TargetVault open(KmsProvider provider) {
        String fingerprint = fingerprint(provider.keyCollection(), provider.sealedCredentials());
        Connection cached = connections.get(provider.name());
        if (cached != null && cached.fingerprint().equals(fingerprint)) {
            return cached.vault();
        }
        TargetVault vault;
        try (ProviderCredentials credentials = sealing.unseal(provider.name(), provider.sealedCredentials())) {
            ResolvedCredential resolved = resolve(provider.name(), credentials);
            URI url = URI.create(vaultUrl(resolved.environment(), provider.keyCollection()));
            vault = connector.open(url, resolved.tokenCredential(), resolved.environment().verifyChallengeResource());
        }
        connections.put(provider.name(), new Connection(fingerprint, vault));
        return vault;
    }

    /**
     * Checks, without calling Azure, that a provider configuration could be used: the credentials
     * resolve under the precedence rule and the vault has a URL in the resolved cloud.
     */
    void check(String providerName, String keyCollection, ProviderCredentials credentials) {
        vaultUrl(resolve(providerName, credentials).environment(), keyCollection);
    }

    void forget(String providerName) {
        connections.remove(providerName);
    }

    private ResolvedCredential resolve(String providerName, ProviderCredentials credentials) {
        try {
            return resolver.resolve(credentials);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid("KMS provider \"" + providerName + "\": " + e.getMessage());
        }
    }

    private static String vaultUrl(AzureEnvironment environment, String keyCollection) {
        try {
            return environment.vaultUrl(keyCollection);
        } catch (IllegalArgumentException e) {
            throw KeyManagementException.invalid("key_collection: " + e.getMessage());
        }
    }

    private static String fingerprint(String keyCollection, Optional<SealedBlob> credentials) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(keyCollection.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            credentials.ifPresent(c -> sha.update(c.toBytes()));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
