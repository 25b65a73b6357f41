package io.keymgmt.engine;

import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.keyvault.TargetVault;
import io.keymgmt.keyvault.VaultConnector;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.seal.SealedBlob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a provider into a connected {@link TargetVault}: unseals its credentials for the moment the
 * connector needs them and hands them over. Connections are kept per provider until its credentials
 * or vault change, so tokens are reused across requests instead of fetched per call.
 */
final class VaultAccess {

    private record Connection(String fingerprint, TargetVault vault) {
    }

    private final ProviderCredentialSealing sealing;
    private final VaultConnector connector;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    VaultAccess(ProviderCredentialSealing sealing, VaultConnector connector) {
        this.sealing = sealing;
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
            vault = connector.open(provider.keyCollection(), credentials);
        } catch (IllegalArgumentException e) {
            throw invalid(provider.name(), e);
        }
        connections.put(provider.name(), new Connection(fingerprint, vault));
        return vault;
    }

    /**
     * Checks, without calling Azure, that a provider configuration could be used: the credentials
     * resolve under the precedence rule and the vault has a URL in the resolved cloud.
     */
    void check(String providerName, String keyCollection, ProviderCredentials credentials) {
        try {
            connector.check(keyCollection, credentials);
        } catch (IllegalArgumentException e) {
            throw invalid(providerName, e);
        }
    }

    void forget(String providerName) {
        connections.remove(providerName);
    }

    private static KeyManagementException invalid(String providerName, IllegalArgumentException e) {
        return new KeyManagementException(Fault.INVALID_REQUEST, "KMS provider \"" + providerName + "\": "
                + e.getMessage(), null, e);
    }

    private static String fingerprint(String keyCollection, Optional<SealedBlob> credentials) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(keyCollection.getBytes(StandardCharsets.UTF_8));
            credentials.ifPresent(c -> sha.update(c.toBytes()));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
