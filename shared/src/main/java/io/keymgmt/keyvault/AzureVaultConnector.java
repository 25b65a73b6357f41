package io.keymgmt.keyvault;

import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.credentials.ResolvedCredential;
import java.net.URI;
import java.time.Duration;

/**
 * Opens real Azure Key Vaults with azure-security-keyvault-keys. One instance per process: it holds
 * the credentials rule, the HTTP client, the retry policy and the pacer every vault shares.
 */
public final class AzureVaultConnector implements VaultConnector {

    /** Azure's guidance for throttling: back off 1, 2, 4, 8, 16 seconds, honouring Retry-After. */
    private static final RetryOptions RETRY = new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(5).setBaseDelay(Duration.ofSeconds(1)).setMaxDelay(Duration.ofSeconds(16)));

    private final CredentialResolver credentials;
    private final HttpClient httpClient;
    private final Pacer pacer;

    public AzureVaultConnector(CredentialResolver credentials, HttpClient httpClient, Pacer pacer) {
        this.credentials = credentials;
        this.httpClient = httpClient;
        this.pacer = pacer;
    }

    @Override
    public void check(String keyCollection, ProviderCredentials provided) {
        vaultUrl(credentials.resolve(provided).environment(), keyCollection);
    }

    @Override
    public TargetVault open(String keyCollection, ProviderCredentials provided) {
        ResolvedCredential resolved = credentials.resolve(provided);
        AzureEnvironment environment = resolved.environment();
        String url = vaultUrl(environment, keyCollection).replaceAll("/+$", "");
        KeyClientBuilder builder = new KeyClientBuilder()
                .vaultUrl(url)
                .credential(resolved.tokenCredential())
                .httpClient(httpClient)
                .retryOptions(RETRY);
        // Off only where the vault's challenge names a resource outside its own domain: the local emulator.
        if (!environment.verifyChallengeResource()) {
            builder.disableChallengeResourceVerification();
        }
        KeyClient client = builder.buildClient();
        return new AzureTargetVault(URI.create(url), client, pacer);
    }

    private static String vaultUrl(AzureEnvironment environment, String keyCollection) {
        try {
            return environment.vaultUrl(keyCollection);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key_collection: " + e.getMessage(), e);
        }
    }
}
