package io.keymgmt.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AzureEnvironmentTest {

    @ParameterizedTest
    @CsvSource({
        "AzurePublicCloud,       vault.azure.net,         https://vault.azure.net,         https://login.microsoftonline.com/",
        "AzureUSGovernmentCloud, vault.usgovcloudapi.net, https://vault.usgovcloudapi.net, https://login.microsoftonline.us/",
        "AzureChinaCloud,        vault.azure.cn,          https://vault.azure.cn,          https://login.chinacloudapi.cn/",
        "AzureGermanCloud,       vault.microsoftazure.de, https://vault.microsoftazure.de, https://login.microsoftonline.de/",
    })
    void builtInCloudsCarryTheirSuffixAudienceAndAuthority(String name, String suffix, String audience, String authority) {
        AzureEnvironment cloud = AzureEnvironments.builtIns().resolve(name);
        assertEquals(name, cloud.name());
        assertEquals(Optional.of(suffix), cloud.keyVaultDnsSuffix());
        assertEquals(audience, cloud.keyVaultAudience());
        assertEquals(audience + "/.default", cloud.keyVaultScope());
        assertEquals(authority, cloud.authorityHost());
        assertTrue(cloud.verifyChallengeResource(), "real clouds verify the challenge resource");
        assertTrue(cloud.isBuiltIn());
        assertEquals("https://my-vault." + suffix, cloud.vaultUrl("my-vault"));
        assertEquals("https://myvault01." + suffix, cloud.vaultUrl("MyVault01"), "DNS ignores case; URLs are lower case");
        assertEquals(name.equals("AzureGermanCloud"), cloud.isRetired());
    }

    @Test
    void aTemplateEnvironmentPutsTheVaultNameInPlaceOfThePlaceholder() {
        AzureEnvironment privateLink = AzureEnvironment.custom("ContosoPrivateLink")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost("https://login.microsoftonline.com/")
                .verifyChallengeResource(false)
                .vaultUrlTemplate("https://{vault}.privatelink.contoso.net")
                .build();
        assertEquals("https://kv-prod-01.privatelink.contoso.net", privateLink.vaultUrl("kv-prod-01"));
        assertEquals(Optional.empty(), privateLink.keyVaultDnsSuffix());
        assertEquals("https://vault.azure.net/.default", privateLink.keyVaultScope());
        assertFalse(privateLink.verifyChallengeResource());
        assertFalse(privateLink.isBuiltIn());
        assertEquals(List.of(), privateLink.knownVaults());
        assertThrows(IllegalArgumentException.class, () -> privateLink.vaultUrl("1bad"));
    }

    @Test
    void aMapEnvironmentAddressesEachVaultExplicitly() {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("local-vault", "https://127.0.0.1:9441");
        urls.put("Second-Vault", "https://127.0.0.1:9442");
        AzureEnvironment local = AzureEnvironment.custom("LocalEmulator")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost("https://127.0.0.1:9440/")
                .verifyChallengeResource(false)
                .vaultUrls(urls)
                .build();
        assertEquals("https://127.0.0.1:9441", local.vaultUrl("local-vault"));
        assertEquals("https://127.0.0.1:9442", local.vaultUrl("second-vault"));
        assertEquals(List.of("local-vault", "second-vault"), local.knownVaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> local.vaultUrl("third-vault"));
        assertEquals("environment LocalEmulator has no URL for vault \"third-vault\"; it knows the vaults"
                + " [local-vault, second-vault]", e.getMessage());
    }

    @Test
    void customEnvironmentsDefaultToVerifyingTheChallengeResource() {
        AzureEnvironment custom = AzureEnvironment.custom("Proxy")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost("https://login.microsoftonline.com/")
                .vaultUrlTemplate("https://{vault}.vault.azure.net")
                .build();
        assertTrue(custom.verifyChallengeResource());
    }

    @Test
    void badTemplatesAreRefusedWithTheAcceptedForm() {
        AzureEnvironment.Builder builder = AzureEnvironment.custom("X");
        for (String template : new String[] {"https://vault.contoso.net", "https://{vault}.{vault}.contoso.net"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder.vaultUrlTemplate(template));
            assertTrue(e.getMessage().contains("exactly once"), e.getMessage());
        }
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> builder.vaultUrlTemplate("http://{vault}.contoso.net"));
        assertTrue(http.getMessage().contains("https"), http.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.vaultUrlTemplate("https://{vault}.contoso.net?x=1"));
    }

    @Test
    void badMapsAreRefused() {
        AzureEnvironment.Builder builder = AzureEnvironment.custom("X");
        assertThrows(IllegalArgumentException.class, () -> builder.vaultUrls(Map.of()));
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> builder.vaultUrls(Map.of("v", "https://127.0.0.1:9441")));
        assertTrue(name.getMessage().contains("not a valid Azure Key Vault name"), name.getMessage());
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> builder.vaultUrls(Map.of("local-vault", "http://127.0.0.1:9441")));
        assertTrue(http.getMessage().contains("https"), http.getMessage());
        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("local-vault", "https://127.0.0.1:9441");
        twice.put("LOCAL-VAULT", "https://127.0.0.1:9442");
        assertThrows(IllegalArgumentException.class, () -> builder.vaultUrls(twice));
    }

    @Test
    void aCustomEnvironmentNeedsAudienceAuthorityAndAddressing() {
        IllegalArgumentException noAuthority = assertThrows(IllegalArgumentException.class,
                () -> AzureEnvironment.custom("X").keyVaultAudience("https://vault.azure.net")
                        .vaultUrlTemplate("https://{vault}.x.net").build());
        assertTrue(noAuthority.getMessage().contains("authority host"), noAuthority.getMessage());
        IllegalArgumentException noUrls = assertThrows(IllegalArgumentException.class,
                () -> AzureEnvironment.custom("X").keyVaultAudience("https://vault.azure.net")
                        .authorityHost("https://login.microsoftonline.com/").build());
        assertTrue(noUrls.getMessage().contains("{vault}"), noUrls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironment.custom("X").authorityHost("http://login"));
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironment.custom("X").keyVaultAudience("vault"));
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironment.custom(""));
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironment.custom("has space"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a-b", "Vault-01", "a12345678901234567890123", "kv9"})
    void validVaultNames(String name) {
        assertTrue(VaultNames.isValid(name));
        assertEquals(name, VaultNames.requireValid(name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ab                        | it has 2 characters",
        "a123456789012345678901234 | it has 25 characters",
        "1vault                    | it does not start with a letter",
        "-vault                    | it does not start with a letter",
        "vault-                    | it ends with a hyphen",
        "my--vault                 | it contains consecutive hyphens",
        "my_vault                  | it contains '_'",
        "my.vault                  | it contains '.'",
        "vaultä                    | it contains 'ä'",
    })
    void invalidVaultNamesSayWhichRuleTheyBreak(String name, String problem) {
        assertFalse(VaultNames.isValid(name));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaultNames.requireValid(name));
        assertTrue(e.getMessage().startsWith("\"" + name + "\" is not a valid Azure Key Vault name: " + problem + "."),
                e.getMessage());
        assertTrue(e.getMessage().contains("3 to 24 characters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AzureEnvironment.AZURE_PUBLIC_CLOUD.vaultUrl(name));
    }

    @Test
    void emptyAndNullVaultNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VaultNames.requireValid(""));
        assertThrows(IllegalArgumentException.class, () -> VaultNames.requireValid(null));
    }
}
