package io.keymgmt.credentials;

import static io.keymgmt.credentials.CredentialPrecedence.ENVIRONMENT_FIRST;
import static io.keymgmt.credentials.CredentialPrecedence.PROVIDER_FIRST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ManagedIdentityCredential;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The precedence table, row by row. Each row sets one field in the process environment, in the
 * provider's credentials, in both or in neither, under each precedence, and checks the value and
 * source chosen, the kind of identity and the azure-identity type built.
 */
class CredentialResolverTest {

    private static final String ENV_SECRET = "env~Secret.Value-0001";
    private static final String PROVIDER_SECRET = "provider~Secret.Value-0002";
    private static final TokenCredentialFactory FACTORY =
            new TokenCredentialFactory(new JdkHttpClientBuilder().build());

    // --- tenant id -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: env={1} provider={2} -> {3} from {4}")
    @CsvSource(nullValues = "-", value = {
        "ENVIRONMENT_FIRST, env-tenant, -,               env-tenant,      ENVIRONMENT",
        "ENVIRONMENT_FIRST, -,          provider-tenant, provider-tenant, PROVIDER",
        "ENVIRONMENT_FIRST, env-tenant, provider-tenant, env-tenant,      ENVIRONMENT",
        "PROVIDER_FIRST,    env-tenant, -,               env-tenant,      ENVIRONMENT",
        "PROVIDER_FIRST,    -,          provider-tenant, provider-tenant, PROVIDER",
        "PROVIDER_FIRST,    env-tenant, provider-tenant, provider-tenant, PROVIDER",
    })
    void tenantId(CredentialPrecedence precedence, String env, String provider, String expected, CredentialSource source) {
        Map<String, String> environment = new HashMap<>();
        put(environment, "AZURE_TENANT_ID", env);
        Map<String, String> credentials = new HashMap<>(Map.of("client_id", "app", "client_secret", PROVIDER_SECRET));
        put(credentials, "tenant_id", provider);

        ResolvedCredential resolved = resolve(precedence, environment, credentials);
        assertEquals(expected, resolved.tenantId());
        assertEquals(source, resolved.tenantIdSource());
        assertEquals(CredentialKind.CLIENT_SECRET, resolved.kind());
        assertInstanceOf(ClientSecretCredential.class, resolved.tokenCredential());
    }

    @ParameterizedTest
    @CsvSource({"ENVIRONMENT_FIRST", "PROVIDER_FIRST"})
    void aMissingTenantIdIsAnErrorForEveryKind(CredentialPrecedence precedence) {
        List<Map<String, String>> kinds = List.of(
                Map.of("client_id", "app", "client_secret", PROVIDER_SECRET), // client secret
                Map.of("client_id", "uami"),                                  // user-assigned identity
                Map.of());                                                    // system-assigned identity
        for (Map<String, String> credentials : kinds) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> resolve(precedence, Map.of(), credentials));
            assertTrue(e.getMessage().startsWith("no tenant id is set: set tenant_id in the provider's credentials or"
                    + " the AZURE_TENANT_ID environment variable"), e.getMessage());
            assertFalse(e.getMessage().contains(PROVIDER_SECRET));
        }
    }

    @Test
    void managedIdentityStillNeedsTheTenant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(ENVIRONMENT_FIRST, Map.of("AZURE_CLIENT_ID", "uami"), Map.of()));
        assertTrue(e.getMessage().contains("managed identities included"), e.getMessage());
    }

    // --- client id (no secret anywhere: the id picks the managed identity) ----------------------

    @ParameterizedTest(name = "{0}: env={1} provider={2} -> {3} from {4}")
    @CsvSource(nullValues = "-", value = {
        "ENVIRONMENT_FIRST, env-uami, -,             env-uami,      ENVIRONMENT",
        "ENVIRONMENT_FIRST, -,        provider-uami, provider-uami, PROVIDER",
        "ENVIRONMENT_FIRST, env-uami, provider-uami, env-uami,      ENVIRONMENT",
        "PROVIDER_FIRST,    env-uami, -,             env-uami,      ENVIRONMENT",
        "PROVIDER_FIRST,    -,        provider-uami, provider-uami, PROVIDER",
        "PROVIDER_FIRST,    env-uami, provider-uami, provider-uami, PROVIDER",
    })
    void clientIdWithoutSecretChoosesTheUserAssignedIdentity(CredentialPrecedence precedence, String env,
            String provider, String expected, CredentialSource source) {
        Map<String, String> environment = new HashMap<>();
        put(environment, "AZURE_CLIENT_ID", env);
        Map<String, String> credentials = new HashMap<>(Map.of("tenant_id", "t"));
        put(credentials, "client_id", provider);

        ResolvedCredential resolved = resolve(precedence, environment, credentials);
        assertEquals(CredentialKind.USER_ASSIGNED_MANAGED_IDENTITY, resolved.kind());
        assertEquals(Optional.of(expected), resolved.clientId());
        assertEquals(Optional.of(source), resolved.clientIdSource());
        assertEquals(Optional.empty(), resolved.clientSecretSource());
        ManagedIdentityCredential built = assertInstanceOf(ManagedIdentityCredential.class, resolved.tokenCredential());
        assertEquals(expected, built.getClientId(), "the identity asked for is the chosen client id");
    }

    @ParameterizedTest
    @CsvSource({"ENVIRONMENT_FIRST", "PROVIDER_FIRST"})
    void noClientIdAnywhereMeansTheSystemAssignedIdentity(CredentialPrecedence precedence) {
        ResolvedCredential resolved = resolve(precedence, Map.of(), Map.of("tenant_id", "t"));
        assertEquals(CredentialKind.SYSTEM_ASSIGNED_MANAGED_IDENTITY, resolved.kind());
        assertEquals(Optional.empty(), resolved.clientId());
        assertEquals(Optional.empty(), resolved.clientIdSource());
        ManagedIdentityCredential built = assertInstanceOf(ManagedIdentityCredential.class, resolved.tokenCredential());
        assertNull(built.getClientId());
    }

    // --- client secret (client id in the provider) ----------------------------------------------

    @ParameterizedTest(name = "{0}: env secret={1} provider secret={2} -> from {3}")
    @CsvSource(nullValues = "-", value = {
        "ENVIRONMENT_FIRST, true,  false, ENVIRONMENT",
        "ENVIRONMENT_FIRST, false, true,  PROVIDER",
        "ENVIRONMENT_FIRST, true,  true,  ENVIRONMENT",
        "PROVIDER_FIRST,    true,  false, ENVIRONMENT",
        "PROVIDER_FIRST,    false, true,  PROVIDER",
        "PROVIDER_FIRST,    true,  true,  PROVIDER",
    })
    void clientSecret(CredentialPrecedence precedence, boolean inEnvironment, boolean inProvider, CredentialSource source) {
        Map<String, String> environment = new HashMap<>();
        if (inEnvironment) {
            environment.put("AZURE_CLIENT_SECRET", ENV_SECRET);
        }
        Map<String, String> credentials = new HashMap<>(Map.of("tenant_id", "t", "client_id", "app"));
        if (inProvider) {
            credentials.put("client_secret", PROVIDER_SECRET);
        }
        ResolvedCredential resolved = resolve(precedence, environment, credentials);
        assertEquals(CredentialKind.CLIENT_SECRET, resolved.kind());
        assertEquals(Optional.of(source), resolved.clientSecretSource());
        assertEquals(Optional.of("app"), resolved.clientId());
        assertInstanceOf(ClientSecretCredential.class, resolved.tokenCredential());
        assertNoSecretIn(resolved.describe() + resolved.toString() + resolved.warnings());
    }

    @ParameterizedTest
    @CsvSource({"ENVIRONMENT_FIRST", "PROVIDER_FIRST"})
    void noSecretAnywhereWithAClientIdMeansTheUserAssignedIdentity(CredentialPrecedence precedence) {
        ResolvedCredential resolved = resolve(precedence, Map.of(), Map.of("tenant_id", "t", "client_id", "uami"));
        assertEquals(CredentialKind.USER_ASSIGNED_MANAGED_IDENTITY, resolved.kind());
        assertEquals(Optional.empty(), resolved.clientSecretSource());
        assertInstanceOf(ManagedIdentityCredential.class, resolved.tokenCredential());
    }

    @Test
    void aSecretWithoutAClientIdIsAnErrorNamingWhereTheSecretCameFrom() {
        IllegalArgumentException fromProvider = assertThrows(IllegalArgumentException.class,
                () -> resolve(ENVIRONMENT_FIRST, Map.of(), Map.of("tenant_id", "t", "client_secret", PROVIDER_SECRET)));
        assertEquals("a client secret is set (from the provider's client_secret) but no client id: set client_id in"
                + " the provider's credentials or AZURE_CLIENT_ID, or remove the secret to use the system-assigned"
                + " managed identity", fromProvider.getMessage());
        IllegalArgumentException fromEnvironment = assertThrows(IllegalArgumentException.class,
                () -> resolve(PROVIDER_FIRST, Map.of("AZURE_CLIENT_SECRET", ENV_SECRET), Map.of("tenant_id", "t")));
        assertTrue(fromEnvironment.getMessage().startsWith(
                "a client secret is set (from the AZURE_CLIENT_SECRET environment variable) but no client id"),
                fromEnvironment.getMessage());
        assertNoSecretIn(fromProvider.getMessage() + fromEnvironment.getMessage());
    }

    // --- environment -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: env={1} provider={2} -> {3} from {4}")
    @CsvSource(nullValues = "-", value = {
        "ENVIRONMENT_FIRST, AzureChinaCloud, -,                      AzureChinaCloud,        ENVIRONMENT",
        "ENVIRONMENT_FIRST, -,               azureusgovernmentcloud, AzureUSGovernmentCloud, PROVIDER",
        "ENVIRONMENT_FIRST, AzureChinaCloud, AzureUSGovernmentCloud, AzureChinaCloud,        ENVIRONMENT",
        "ENVIRONMENT_FIRST, -,               -,                      AzurePublicCloud,       DEFAULT",
        "PROVIDER_FIRST,    azurechinacloud, -,                      AzureChinaCloud,        ENVIRONMENT",
        "PROVIDER_FIRST,    -,               AzureUSGovernmentCloud, AzureUSGovernmentCloud, PROVIDER",
        "PROVIDER_FIRST,    AzureChinaCloud, AzureUSGovernmentCloud, AzureUSGovernmentCloud, PROVIDER",
        "PROVIDER_FIRST,    -,               -,                      AzurePublicCloud,       DEFAULT",
    })
    void environment(CredentialPrecedence precedence, String env, String provider, String expected,
            CredentialSource source) {
        Map<String, String> environment = new HashMap<>();
        put(environment, "AZURE_ENVIRONMENT", env);
        Map<String, String> credentials = new HashMap<>(Map.of("tenant_id", "t"));
        put(credentials, "environment", provider);
        ResolvedCredential resolved = resolve(precedence, environment, credentials);
        assertEquals(expected, resolved.environment().name());
        assertEquals(source, resolved.environmentSource());
    }

    @Test
    void theConfiguredDefaultEnvironmentApplies() {
        AzureEnvironments environments = AzureEnvironments.builder().defaultEnvironment("AzureChinaCloud").build();
        ResolvedCredential resolved = new CredentialResolver(Map.of(), ENVIRONMENT_FIRST, environments, FACTORY)
                .resolve(ProviderCredentials.of(Map.of("tenant_id", "t")));
        assertSame(AzureEnvironment.AZURE_CHINA_CLOUD, resolved.environment());
        assertEquals(CredentialSource.DEFAULT, resolved.environmentSource());
    }

    @Test
    void anUnknownEnvironmentListsTheValidNamesAndWhereTheNameCameFrom() {
        IllegalArgumentException fromEnvironment = assertThrows(IllegalArgumentException.class,
                () -> resolve(ENVIRONMENT_FIRST, Map.of("AZURE_ENVIRONMENT", "AzureCloud"), Map.of("tenant_id", "t")));
        assertEquals("there is no Azure environment named \"AzureCloud\"; valid names (case-insensitive):"
                + " AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud (the name came from"
                + " the AZURE_ENVIRONMENT environment variable)", fromEnvironment.getMessage());
        IllegalArgumentException fromProvider = assertThrows(IllegalArgumentException.class,
                () -> resolve(ENVIRONMENT_FIRST, Map.of(), Map.of("tenant_id", "t", "environment", "Mars")));
        assertTrue(fromProvider.getMessage().endsWith("(the name came from the provider's environment)"),
                fromProvider.getMessage());
    }

    @Test
    void aRetiredCloudResolvesWithAWarning() {
        ResolvedCredential resolved = resolve(ENVIRONMENT_FIRST, Map.of(),
                Map.of("tenant_id", "t", "environment", "AzureGermanCloud"));
        assertSame(AzureEnvironment.AZURE_GERMAN_CLOUD, resolved.environment());
        assertEquals(List.of("Azure environment AzureGermanCloud is retired; its endpoints no longer answer"),
                resolved.warnings());
    }

    // --- the Azure Functions AZURE_CLIENT_ID trap -----------------------------------------------

    /** The Functions host sets AZURE_CLIENT_ID (and tenant) for its own user-assigned identity. */
    private static final Map<String, String> FUNCTIONS_HOST =
            Map.of("AZURE_CLIENT_ID", "host-uami-client-id", "AZURE_TENANT_ID", "host-tenant");
    private static final Map<String, String> SERVICE_PRINCIPAL_PROVIDER =
            Map.of("tenant_id", "sp-tenant", "client_id", "sp-app-id", "client_secret", PROVIDER_SECRET);

    @Test
    void onFunctionsVaultsRuleSilentlyPairsTheHostsClientIdWithTheProvidersSecret() {
        ResolvedCredential resolved = resolve(ENVIRONMENT_FIRST, FUNCTIONS_HOST, SERVICE_PRINCIPAL_PROVIDER);
        assertEquals(CredentialKind.CLIENT_SECRET, resolved.kind());
        assertEquals(Optional.of("host-uami-client-id"), resolved.clientId());
        assertEquals(Optional.of(CredentialSource.ENVIRONMENT), resolved.clientIdSource());
        assertEquals(Optional.of(CredentialSource.PROVIDER), resolved.clientSecretSource());
        assertEquals("host-tenant", resolved.tenantId());
        assertInstanceOf(ClientSecretCredential.class, resolved.tokenCredential());
        assertEquals(1, resolved.warnings().size(), resolved.warnings().toString());
        assertTrue(resolved.warnings().get(0).contains("set the credential precedence to PROVIDER_FIRST"),
                resolved.warnings().get(0));
        assertNoSecretIn(resolved.warnings().get(0));
    }

    @Test
    void onFunctionsProviderFirstKeepsTheProvidersServicePrincipal() {
        ResolvedCredential resolved = resolve(PROVIDER_FIRST, FUNCTIONS_HOST, SERVICE_PRINCIPAL_PROVIDER);
        assertEquals(CredentialKind.CLIENT_SECRET, resolved.kind());
        assertEquals(Optional.of("sp-app-id"), resolved.clientId());
        assertEquals(Optional.of(CredentialSource.PROVIDER), resolved.clientIdSource());
        assertEquals("sp-tenant", resolved.tenantId());
        assertEquals(List.of(), resolved.warnings());
        assertInstanceOf(ClientSecretCredential.class, resolved.tokenCredential());
    }

    @Test
    void onFunctionsProviderFirstStillLetsAProviderWithoutCredentialsUseTheHostIdentity() {
        ResolvedCredential resolved = resolve(PROVIDER_FIRST, FUNCTIONS_HOST, Map.of());
        assertEquals(CredentialKind.USER_ASSIGNED_MANAGED_IDENTITY, resolved.kind());
        assertEquals(Optional.of(CredentialSource.ENVIRONMENT), resolved.clientIdSource());
        assertEquals(CredentialSource.ENVIRONMENT, resolved.tenantIdSource());
        assertEquals("host-uami-client-id",
                assertInstanceOf(ManagedIdentityCredential.class, resolved.tokenCredential()).getClientId());
    }

    // --- other rules ----------------------------------------------------------------------------

    @Test
    void emptyEnvironmentVariablesCountAsUnset() {
        Map<String, String> blank = Map.of("AZURE_TENANT_ID", "", "AZURE_CLIENT_ID", " ", "AZURE_CLIENT_SECRET", "",
                "AZURE_ENVIRONMENT", "");
        ResolvedCredential resolved = resolve(ENVIRONMENT_FIRST, blank, SERVICE_PRINCIPAL_PROVIDER);
        assertEquals(CredentialSource.PROVIDER, resolved.tenantIdSource());
        assertEquals(Optional.of(CredentialSource.PROVIDER), resolved.clientIdSource());
        assertEquals(Optional.of(CredentialSource.PROVIDER), resolved.clientSecretSource());
        assertEquals(CredentialSource.DEFAULT, resolved.environmentSource());
    }

    @Test
    void aCustomEnvironmentFromTheProviderIsUsedForTheCredential() {
        AzureEnvironment local = AzureEnvironment.custom("LocalEmulator")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost("https://127.0.0.1:9440/")
                .verifyChallengeResource(false)
                .vaultUrls(Map.of("local-vault", "https://127.0.0.1:9441"))
                .build();
        CredentialResolver resolver = new CredentialResolver(Map.of(), ENVIRONMENT_FIRST,
                AzureEnvironments.builder().add(local).build(), FACTORY);
        Map<String, String> credentials = new HashMap<>(SERVICE_PRINCIPAL_PROVIDER);
        credentials.put("environment", "localemulator");
        try (ProviderCredentials provider = ProviderCredentials.of(credentials)) {
            ResolvedCredential resolved = resolver.resolve(provider);
            assertSame(local, resolved.environment());
            assertEquals("https://127.0.0.1:9441", resolved.environment().vaultUrl("local-vault"));
            assertInstanceOf(ClientSecretCredential.class, resolved.tokenCredential());
        }
    }

    @Test
    void describeNamesEverySourceAndNoSecret() {
        Map<String, String> environment = Map.of("AZURE_CLIENT_SECRET", ENV_SECRET);
        ResolvedCredential resolved = resolve(ENVIRONMENT_FIRST, environment, Map.of("tenant_id", "t-1", "client_id", "app-1"));
        assertEquals("client secret credential in AzurePublicCloud (default), tenant t-1 (from the provider's"
                + " credentials), client id app-1 (from the provider's credentials), client secret (from the process"
                + " environment)", resolved.describe());
        assertNoSecretIn(resolved.toString());
    }

    @Test
    void onlyTheFourAzureVariablesAreRead() {
        Map<String, String> environment = Map.of("AZURE_TENANT_ID", "t", "AZURE_SUBSCRIPTION_ID", "s",
                "AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/", "AZURE_USERNAME", "u");
        ResolvedCredential resolved = resolve(ENVIRONMENT_FIRST, environment, Map.of());
        assertEquals(CredentialKind.SYSTEM_ASSIGNED_MANAGED_IDENTITY, resolved.kind());
        assertSame(AzureEnvironment.AZURE_PUBLIC_CLOUD, resolved.environment());
    }

    private static ResolvedCredential resolve(CredentialPrecedence precedence, Map<String, String> environment,
            Map<String, String> credentials) {
        CredentialResolver resolver =
                new CredentialResolver(environment, precedence, AzureEnvironments.builtIns(), FACTORY);
        assertEquals(precedence, resolver.precedence());
        try (ProviderCredentials provider = ProviderCredentials.of(credentials)) {
            return resolver.resolve(provider);
        }
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void assertNoSecretIn(String text) {
        assertFalse(text.contains(ENV_SECRET) || text.contains(PROVIDER_SECRET) || text.contains("Secret.Value"), text);
    }
}
