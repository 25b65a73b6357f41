package io.keymgmt.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory's credentials against a real (local) token endpoint: the request goes to the
 * environment's authority, for the resolved tenant, with the resolved client id and secret, over the
 * HTTP client the factory was given, and nothing else is asked (no instance discovery).
 */
class TokenCredentialFactoryTest {

    private static final String SECRET = "factory~Secret-Value.0003";

    @TempDir
    static Path dir;
    private static LocalTokenAuthority authority;
    private static HttpClient httpClient;

    @BeforeAll
    static void startAuthority() throws Exception {
        authority = new LocalTokenAuthority(dir);
        httpClient = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                .sslContext(authority.clientSslContext())).build();
    }

    @AfterAll
    static void stopAuthority() {
        authority.close();
    }

    @Test
    void aClientSecretCredentialAsksTheEnvironmentsAuthorityAndNothingElse() {
        AzureEnvironment local = AzureEnvironment.custom("LocalStack")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost(authority.authorityHost())
                .verifyChallengeResource(false)
                .vaultUrls(Map.of("local-vault", "https://127.0.0.1:9441"))
                .build();
        CredentialResolver resolver = new CredentialResolver(Map.of("AZURE_TENANT_ID", "tenant-from-env"),
                CredentialPrecedence.ENVIRONMENT_FIRST, AzureEnvironments.builder().add(local).build(),
                new TokenCredentialFactory(httpClient));
        ResolvedCredential resolved;
        try (ProviderCredentials provider = ProviderCredentials.of(
                Map.of("client_id", "app-id-1", "client_secret", SECRET, "environment", "LocalStack"))) {
            resolved = resolver.resolve(provider);
        }
        ClientSecretCredential credential = (ClientSecretCredential) resolved.tokenCredential();

        int before = authority.requests().size();
        AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(local.keyVaultScope()));

        assertEquals(LocalTokenAuthority.ACCESS_TOKEN, token.getToken());
        List<LocalTokenAuthority.Request> requests = authority.requestsSince(before);
        assertEquals(1, requests.size(), requests.toString());
        LocalTokenAuthority.Request request = requests.get(0);
        assertEquals("POST", request.method());
        assertEquals("/tenant-from-env/oauth2/v2.0/token", request.path());
        assertEquals("client_credentials", request.form().get("grant_type"));
        assertEquals("app-id-1", request.form().get("client_id"));
        assertEquals(SECRET, request.form().get("client_secret"));
        assertTrue(request.form().get("scope").contains("https://vault.azure.net/.default"), request.form().toString());
    }

    @Test
    void instanceDiscoveryIsOffExactlyForAuthoritiesOutsideTheBuiltInClouds() {
        for (AzureEnvironment cloud : AzureEnvironment.BUILT_INS) {
            assertFalse(TokenCredentialFactory.disablesInstanceDiscovery(cloud), cloud.name());
        }
        AzureEnvironment privateLink = AzureEnvironment.custom("PrivateLink")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost("https://LOGIN.microsoftonline.com")
                .vaultUrlTemplate("https://{vault}.privatelink.contoso.net")
                .build();
        assertFalse(TokenCredentialFactory.disablesInstanceDiscovery(privateLink));
        AzureEnvironment local = AzureEnvironment.custom("Local")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost(authority.authorityHost())
                .vaultUrlTemplate("https://127.0.0.1:9441/{vault}")
                .build();
        assertTrue(TokenCredentialFactory.disablesInstanceDiscovery(local));
    }

    @Test
    void managedIdentitiesCarryTheRequestedClientId() {
        TokenCredentialFactory factory = new TokenCredentialFactory(httpClient);
        assertEquals("uami-1", factory.userAssignedManagedIdentity("uami-1").getClientId());
        assertNull(factory.systemAssignedManagedIdentity().getClientId());
    }
}
