package io.keymgmt.credentials;

import com.azure.core.http.HttpClient;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds azure-identity credentials on the product's HTTP client, so token requests use the same
 * JDK HttpClient and trust settings as Key Vault calls.
 *
 * <p>For an authority host that is not one of the built-in clouds' (the local token stand-in, a
 * sovereign or test authority), instance discovery is disabled. Otherwise MSAL would ask
 * login.microsoftonline.com to validate the unknown authority, which fails, or leaks the set-up,
 * where that host is unreachable or unwanted.
 */
public final class TokenCredentialFactory {

    private static final Set<String> BUILT_IN_AUTHORITY_HOSTS = AzureEnvironment.BUILT_INS.stream()
            .map(environment -> normalise(environment.authorityHost()))
            .collect(Collectors.toUnmodifiableSet());

    private final HttpClient httpClient;

    public TokenCredentialFactory(HttpClient httpClient) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /**
     * A client-secret credential at {@code environment}'s authority. The SDK takes the secret only
     * as a {@code String}, so one copy of it lives inside the credential.
     */
    public ClientSecretCredential clientSecret(AzureEnvironment environment, String tenantId, String clientId,
            SecretBytes clientSecret) {
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                .httpClient(httpClient)
                .authorityHost(environment.authorityHost())
                .tenantId(tenantId)
                .clientId(clientId)
                .clientSecret(clientSecret.read(bytes -> new String(bytes, StandardCharsets.UTF_8)));
        if (disablesInstanceDiscovery(environment)) {
            builder.disableInstanceDiscovery();
        }
        return builder.build();
    }

    /** The host's system-assigned managed identity. */
    public ManagedIdentityCredential systemAssignedManagedIdentity() {
        return new ManagedIdentityCredentialBuilder().httpClient(httpClient).build();
    }

    /** The user-assigned managed identity with this client id. */
    public ManagedIdentityCredential userAssignedManagedIdentity(String clientId) {
        return new ManagedIdentityCredentialBuilder()
                .httpClient(httpClient)
                .clientId(Objects.requireNonNull(clientId, "clientId"))
                .build();
    }

    /** True when the environment's authority host is not a built-in cloud's. */
    static boolean disablesInstanceDiscovery(AzureEnvironment environment) {
        return !BUILT_IN_AUTHORITY_HOSTS.contains(normalise(environment.authorityHost()));
    }

    private static String normalise(String authorityHost) {
        return authorityHost.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    }
}
