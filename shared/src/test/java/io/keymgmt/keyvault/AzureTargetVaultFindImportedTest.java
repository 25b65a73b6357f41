package io.keymgmt.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.AzureEnvironments;
import io.keymgmt.credentials.CredentialPrecedence;
import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.credentials.ProviderCredentials;
import io.keymgmt.credentials.TokenCredentialFactory;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.RsaKeyGenerator;
import io.keymgmt.keys.RsaKeyMaterial;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.transport.AzureHttpClients;
import com.azure.core.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lookup a resumed import uses to adopt a version whose record a crash lost, through the unmodified
 * SDK against the emulator: versions are listed with their tags, the match's public key is read.
 */
class AzureTargetVaultFindImportedTest {

    private static LocalKeyVaults vaults;
    private static AzureVaultConnector connector;

    @BeforeAll
    static void start() {
        vaults = LocalKeyVaults.start();
        HttpClient http = AzureHttpClients.create(Optional.of(vaults.caCertificateFile()));
        AzureEnvironment emulator = AzureEnvironment.custom("KeyVaultEmulator")
                .keyVaultAudience("https://vault.azure.net")
                .authorityHost(vaults.emulator().authorityHost().toString())
                .verifyChallengeResource(false)
                .vaultUrls(vaults.vaultUrls())
                .build();
        AzureEnvironments environments = AzureEnvironments.builder().add(emulator).defaultEnvironment("KeyVaultEmulator")
                .build();
        connector = new AzureVaultConnector(new CredentialResolver(Map.of(), CredentialPrecedence.ENVIRONMENT_FIRST,
                environments, new TokenCredentialFactory(http)), http, Pacer.NONE);
    }

    @AfterAll
    static void stop() {
        vaults.close();
    }

    private static TargetVault open(String vault) {
        return connector.open(vault, ProviderCredentials.of(Map.of("tenant_id", LocalKeyVaults.TENANT_ID,
                "client_id", LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID,
                "client_secret", vaults.servicePrincipalSecret())));
    }

    @Test
    void findsTheVersionCarryingTheTagsAndNothingElse() {
        TargetVault vault = open(LocalKeyVaults.DEMO_VAULTS.get(0));
        String name = "adopt-" + UUID.randomUUID().toString().substring(0, 8);
        ImportedKeyVersion first;
        ImportedKeyVersion second;
        try (RsaKeyMaterial a = RsaKeyGenerator.generate(KeyType.RSA_2048);
             RsaKeyMaterial b = RsaKeyGenerator.generate(KeyType.RSA_2048)) {
            first = vault.importSoftware(name, a.privateKeyPkcs8(), List.of("sign"), true,
                    Map.of("keymgmt_key", "k", "keymgmt_version", "1"));
            second = vault.importSoftware(name, b.privateKeyPkcs8(), List.of("sign"), true,
                    Map.of("keymgmt_key", "k", "keymgmt_version", "2"));
        }

        ImportedKeyVersion found = vault.findImported(name, Map.of("keymgmt_key", "k", "keymgmt_version", "2")).orElseThrow();
        assertEquals(second.versionId(), found.versionId());
        assertEquals(second.modulus(), found.modulus());
        assertEquals(first.versionId(), vault.findImported(name, Map.of("keymgmt_version", "1")).orElseThrow().versionId());
        assertTrue(vault.findImported(name, Map.of("keymgmt_version", "3")).isEmpty());
        assertTrue(vault.findImported("never-" + name, Map.of("keymgmt_version", "1")).isEmpty(), "a missing key");
    }

    @Test
    void withoutTheListPermissionTheLookupIsRefusedNamingIt() {
        TargetVault vault = open(LocalKeyVaults.lackingVault("list"));
        KeyVaultException refused = assertThrows(KeyVaultException.class,
                () -> vault.findImported("any", Map.of("keymgmt_version", "1")));
        assertEquals(KeyVaultException.Reason.FORBIDDEN, refused.reason());
        assertEquals(Optional.of("list"), refused.missingPermission());
    }
}
