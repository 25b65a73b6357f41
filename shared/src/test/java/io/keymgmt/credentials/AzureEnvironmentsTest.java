package io.keymgmt.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AzureEnvironmentsTest {

    private static final AzureEnvironment LOCAL = AzureEnvironment.custom("LocalEmulator")
            .keyVaultAudience("https://vault.azure.net")
            .authorityHost("https://127.0.0.1:9440/")
            .verifyChallengeResource(false)
            .vaultUrlTemplate("https://127.0.0.1:9441/{vault}")
            .build();

    @Test
    void namesResolveIgnoringCase() {
        AzureEnvironments environments = AzureEnvironments.builtIns();
        assertSame(AzureEnvironment.AZURE_PUBLIC_CLOUD, environments.resolve("azurepubliccloud"));
        assertSame(AzureEnvironment.AZURE_US_GOVERNMENT_CLOUD, environments.resolve("AZUREUSGOVERNMENTCLOUD"));
        assertSame(AzureEnvironment.AZURE_CHINA_CLOUD, environments.resolve("AzureChinaCloud"));
        assertSame(AzureEnvironment.AZURE_GERMAN_CLOUD, environments.resolve("azureGermanCloud"));
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        AzureEnvironments environments = AzureEnvironments.builder().add(LOCAL).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> environments.resolve("AzureCloud"));
        assertEquals("there is no Azure environment named \"AzureCloud\"; valid names (case-insensitive):"
                + " AzurePublicCloud, AzureUSGovernmentCloud, AzureChinaCloud, AzureGermanCloud, LocalEmulator",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> environments.resolve(null));
    }

    @Test
    void theDefaultIsThePublicCloudUnlessConfigured() {
        assertSame(AzureEnvironment.AZURE_PUBLIC_CLOUD, AzureEnvironments.builtIns().defaultEnvironment());
        assertSame(LOCAL, AzureEnvironments.builder().add(LOCAL).defaultEnvironment("localemulator").build()
                .defaultEnvironment());
        assertSame(AzureEnvironment.AZURE_CHINA_CLOUD, AzureEnvironments.builder().defaultEnvironment("AzureChinaCloud")
                .build().defaultEnvironment());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AzureEnvironments.builder().defaultEnvironment("Nowhere").build());
        assertTrue(e.getMessage().startsWith("the default Azure environment is unknown"), e.getMessage());
    }

    @Test
    void customsAreFoundAndMayNotShadowAnotherName() {
        AzureEnvironments environments = AzureEnvironments.builder().add(LOCAL).build();
        assertSame(LOCAL, environments.resolve("LOCALEMULATOR"));
        assertEquals(List.of("AzurePublicCloud", "AzureUSGovernmentCloud", "AzureChinaCloud", "AzureGermanCloud",
                "LocalEmulator"), environments.names());
        AzureEnvironment impostor = AzureEnvironment.custom("azurepubliccloud")
                .keyVaultAudience("https://vault.azure.net").authorityHost("https://evil.example/")
                .vaultUrlTemplate("https://{vault}.evil.example").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AzureEnvironments.builder().add(impostor));
        assertTrue(e.getMessage().contains("AzurePublicCloud already exists"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironments.builder().add(LOCAL).add(LOCAL));
    }
}
