package io.keymgmt.server;

import static io.keymgmt.server.Api.azureName;
import static io.keymgmt.server.Api.azureVersions;
import static io.keymgmt.server.Api.list;
import static io.keymgmt.server.Api.modulus;
import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.VaultInspector;
import io.keymgmt.testkit.VaultInspector.AzureKeyVersion;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole life cycle through the HTTP API, checked in the vaults themselves: configure providers,
 * create a key, distribute it by BYOK (hsm) and by JWK (software) to two vaults, rotate, raise and
 * lower min_enabled_version, remove, redistribute, delete. The engine's identities hold only the five
 * minimum permissions on these vaults.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class LifecycleTest {

    private static final String VAULT_1 = LocalKeyVaults.DEMO_VAULTS.get(0);
    private static final String VAULT_2 = LocalKeyVaults.DEMO_VAULTS.get(1);

    @Test
    void wholeLifeCycleAcrossTwoVaults() {
        String hsmProvider = unique("kv-msi");
        String softwareProvider = unique("kv-sp");
        String key = unique("app-key");
        VaultInspector vaults = LocalStackResource.vaults().inspector();

        // Managed identity (tenant only) for one vault; a service principal, given Vault-CLI style as
        // "k=v" strings, for the other.
        Api.managedIdentityProvider(hsmProvider, VAULT_1);
        write("/v1/keymgmt/kms/" + softwareProvider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT_2
                + "\",\"credentials\":[\"tenant_id=" + LocalKeyVaults.TENANT_ID + "\",\"client_id="
                + LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID + "\",\"client_secret="
                + LocalStackResource.vaults().servicePrincipalSecret() + "\"]}").then().statusCode(204);
        read("/v1/keymgmt/kms/" + softwareProvider).then().statusCode(200)
                .body("data.provider", equalTo("azurekeyvault"))
                .body("data.key_collection", equalTo(VAULT_2))
                .body("data.credentials", nullValue());

        write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-3072\"}").then().statusCode(204);
        write("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key, "{\"purpose\":\"encrypt,decrypt\",\"protection\":\"hsm\"}")
                .then().statusCode(204);
        write("/v1/keymgmt/kms/" + softwareProvider + "/key/" + key,
                "{\"purpose\":[\"sign\",\"verify\",\"wrap\",\"unwrap\"],\"protection\":\"software\"}")
                .then().statusCode(204);

        read("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key).then().statusCode(200)
                .body("data.name", matchesPattern(key + "-[0-9]{10}"))
                .body("data.protection", equalTo("hsm"))
                .body("data.purpose", equalTo("encrypt,decrypt"))
                .body("data.versions.'1'", matchesPattern("[0-9a-f]{32}"))
                .body("data.state", equalTo("active"))
                .body("data.last_error", nullValue());
        list("/v1/keymgmt/key/" + key + "/kms").then().statusCode(200)
                .body("data.keys", containsInAnyOrder(hsmProvider, softwareProvider));
        list("/v1/keymgmt/kms/" + hsmProvider + "/key").then().statusCode(200).body("data.keys", contains(key));

        String hsmName = azureName(hsmProvider, key);
        String softwareName = azureName(softwareProvider, key);
        expectInVault(vaults, VAULT_1, hsmName, hsmProvider, key, 1, "RSA-HSM", List.of("encrypt", "decrypt"), true);
        expectInVault(vaults, VAULT_2, softwareName, softwareProvider, key, 1, "RSA",
                List.of("sign", "verify", "wrapKey", "unwrapKey"), true);
        AzureKeyVersion kek = vaults.versions(VAULT_1, "keymgmt-byok-kek").get(0);
        assertEquals("RSA-HSM", kek.keyType());
        assertEquals(List.of("import"), kek.keyOperations());

        // Rotation creates version 2 here and imports it into both vaults as their newest version.
        Api.call().post("/v1/keymgmt/key/" + key + "/rotate").then().statusCode(204);
        expectInVault(vaults, VAULT_1, hsmName, hsmProvider, key, 2, "RSA-HSM", List.of("encrypt", "decrypt"), true);
        expectInVault(vaults, VAULT_2, softwareName, softwareProvider, key, 2, "RSA",
                List.of("sign", "verify", "wrapKey", "unwrapKey"), true);
        assertEquals(2, vaults.versions(VAULT_1, hsmName).size());
        assertNotEquals(modulus(key, 1), modulus(key, 2));

        // Raising min_enabled_version disables version 1 in both vaults and hides it here.
        write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":2}").then().statusCode(204);
        read("/v1/keymgmt/key/" + key).then().statusCode(200)
                .body("data.min_enabled_version", equalTo(2))
                .body("data.versions.'1'", nullValue());
        expectEnabled(vaults, VAULT_1, hsmName, hsmProvider, key, Map.of("1", false, "2", true));
        expectEnabled(vaults, VAULT_2, softwareName, softwareProvider, key, Map.of("1", false, "2", true));
        // Key operations survive the enable/disable updates.
        assertEquals(List.of("encrypt", "decrypt"),
                vaults.version(VAULT_1, hsmName, azureVersions(hsmProvider, key).get("1")).orElseThrow().keyOperations());

        // Lowering it (Vault's 0 means all) enables version 1 again everywhere.
        write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":\"0\"}").then().statusCode(204);
        read("/v1/keymgmt/key/" + key).then().body("data.min_enabled_version", equalTo(1));
        expectEnabled(vaults, VAULT_1, hsmName, hsmProvider, key, Map.of("1", true, "2", true));
        expectEnabled(vaults, VAULT_2, softwareName, softwareProvider, key, Map.of("1", true, "2", true));

        // Removal deletes the key in that vault (soft delete) but keeps it here for redistribution.
        Api.call().delete("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key).then().statusCode(204);
        assertTrue(vaults.versions(VAULT_1, hsmName).isEmpty(), "removed key still live in " + VAULT_1);
        assertTrue(vaults.isSoftDeleted(VAULT_1, hsmName), "removal must be a soft delete");
        read("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key).then().statusCode(404);
        list("/v1/keymgmt/kms/" + hsmProvider + "/key").then().statusCode(404).body("errors", equalTo(List.of()));
        list("/v1/keymgmt/key/" + key + "/kms").then().statusCode(200).body("data.keys", contains(softwareProvider));
        read("/v1/keymgmt/key/" + key).then().statusCode(200).body("data.latest_version", equalTo(2));

        // Redistribution gets a new Azure name (the old one is soft-deleted) and every version again.
        write("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key, "{\"purpose\":\"encrypt,decrypt\"}").then().statusCode(204);
        String redistributed = azureName(hsmProvider, key);
        assertNotEquals(hsmName, redistributed);
        expectInVault(vaults, VAULT_1, redistributed, hsmProvider, key, 1, "RSA-HSM", List.of("encrypt", "decrypt"), true);
        expectInVault(vaults, VAULT_1, redistributed, hsmProvider, key, 2, "RSA-HSM", List.of("encrypt", "decrypt"), true);

        // Deletion: only when allowed and in no vault; a provider only when it holds no keys.
        Api.call().delete("/v1/keymgmt/key/" + key).then().statusCode(400)
                .body("errors[0]", containsString("deletion_allowed"));
        write("/v1/keymgmt/key/" + key, "{\"deletion_allowed\":true}").then().statusCode(204);
        Api.call().delete("/v1/keymgmt/key/" + key).then().statusCode(400)
                .body("errors[0]", containsString("still distributed"));
        Api.call().delete("/v1/keymgmt/kms/" + hsmProvider).then().statusCode(400)
                .body("errors[0]", containsString("still holds keys"));
        Api.call().delete("/v1/keymgmt/kms/" + hsmProvider + "/key/" + key).then().statusCode(204);
        Api.call().delete("/v1/keymgmt/kms/" + softwareProvider + "/key/" + key).then().statusCode(204);
        assertTrue(vaults.isSoftDeleted(VAULT_2, softwareName));
        Api.call().delete("/v1/keymgmt/key/" + key).then().statusCode(204);
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
        Api.call().delete("/v1/keymgmt/kms/" + hsmProvider).then().statusCode(204);
        Api.call().delete("/v1/keymgmt/kms/" + softwareProvider).then().statusCode(204);
        read("/v1/keymgmt/kms/" + hsmProvider).then().statusCode(404);
    }

    /** The vault holds our version's exact public key under the recorded Azure version. */
    static void expectInVault(VaultInspector vaults, String vault, String azureName, String provider, String key,
            int version, String keyType, List<String> keyOperations, boolean enabled) {
        String azureVersion = azureVersions(provider, key).get(Integer.toString(version));
        AzureKeyVersion held = vaults.version(vault, azureName, azureVersion).orElseThrow(() ->
                new AssertionError("version " + version + " of " + key + " not in " + vault));
        assertEquals(modulus(key, version), held.modulus(), "modulus of version " + version + " in " + vault);
        assertEquals(keyType, held.keyType());
        assertEquals(keyOperations, held.keyOperations());
        assertEquals(enabled, held.enabled());
        assertEquals(key, held.tags().get("keymgmt_key"));
        assertEquals(Integer.toString(version), held.tags().get("keymgmt_version"));
    }

    static void expectEnabled(VaultInspector vaults, String vault, String azureName, String provider, String key,
            Map<String, Boolean> expected) {
        Map<String, String> ids = azureVersions(provider, key);
        expected.forEach((version, enabled) -> assertEquals(enabled,
                vaults.version(vault, azureName, ids.get(version)).orElseThrow().enabled(),
                "enabled flag of version " + version + " in " + vault));
    }
}
