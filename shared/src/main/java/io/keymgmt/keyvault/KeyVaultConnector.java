package io.keymgmt.keyvault;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import java.net.URI;
import java.time.Duration;

/**
 * Opens {@link TargetVault}s. One instance per process: it holds the HTTP client, the retry policy
 * and the pacer that every vault shares. Opening is cheap; callers may cache what it returns.
 */
public final class KeyVaultConnector {

    /** Azure's guidance for throttling: back off 1, 2, 4, 8, 16 seconds, honouring Retry-After. */
    private static final RetryOptions RETRY = new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(5).setBaseDelay(Duration.ofSeconds(1)).setMaxDelay(Duration.ofSeconds(16)));

    private final HttpClient httpClient;
    private final Pacer pacer;

    public KeyVaultConnector(HttpClient httpClient, Pacer pacer) {
        this.httpClient = httpClient;
        this.pacer = pacer;
    }

    /**
     * @param verifyChallengeResource false only where the vault's challenge names a resource that is
     *     not its own domain, which is the local emulator's case; real clouds keep the check
     */
    public TargetVault open(URI vaultUrl, TokenCredential credential, boolean verifyChallengeResource) {
        String url = vaultUrl.toString().replaceAll("/+$", "");
        KeyClientBuilder builder = new KeyClientBuilder()
                .vaultUrl(url)
                .credential(credential)
                .httpClient(httpClient)
                .retryOptions(RETRY);
        if (!verifyChallengeResource) {
            builder.disableChallengeResourceVerification();
        }
        KeyClient client = builder.buildClient();
        return new AzureTargetVault(URI.create(url), client, pacer);
    }
}
