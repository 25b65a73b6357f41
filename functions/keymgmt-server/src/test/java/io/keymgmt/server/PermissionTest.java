package io.keymgmt.server;

import static io.keymgmt.server.Api.azureName;
import static io.keymgmt.server.Api.azureVersions;
import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.VaultInspector;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each of the five key permissions the engine needs, taken away on a vault of its own: the operation
 * that needs it fails with 403 and a message naming it, and repeating the request after the grant
 * finishes the job from where it stopped.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class PermissionTest {

    /** Permissions a test granted, taken away again afterwards so every test starts from the lack. */
    private final List<String> lacked = new ArrayList<>();

    @AfterEach
    void takeGrantsBack() {
        for (String permission : lacked) {
            LocalStackResource.vaults().emulator().setPermissions(LocalKeyVaults.lackingVault(permission),
                    LocalKeyVaults.MANAGED_IDENTITY_CLIENT_ID, LocalKeyVaults.MINIMUM_PERMISSIONS.stream()
                            .filter(p -> !p.equals(permission)).toArray(String[]::new));
        }
        lacked.clear();
    }

    @Test
    void withoutImportNothingIsDistributedAndTheRetryFinishesIt() {
        String vault = lacking("import");
        String provider = provider(vault);
        String key = key();
        write(distribution(provider, key), "{\"purpose\":\"sign,verify\",\"protection\":\"software\"}").then()
                .statusCode(403)
                .body("errors[0]", allOf(containsString("keys/import permission"), containsString(vault)));
        read(distribution(provider, key)).then().statusCode(200)
                .body("data.state", equalTo("distributing"))
                .body("data.last_error", containsString("keys/import permission"));

        grant(vault);
        write(distribution(provider, key), "{\"purpose\":\"sign,verify\",\"protection\":\"software\"}").then().statusCode(204);
        read(distribution(provider, key)).then().statusCode(200).body("data.state", equalTo("active"));
        assertTrue(inspector().version(vault, azureName(provider, key), azureVersions(provider, key).get("1")).isPresent());
    }

    @Test
    void withoutCreateNoKeyExchangeKeyCanBeMadeForHsm() {
        String vault = lacking("create");
        String provider = provider(vault);
        String key = key();
        write(distribution(provider, key), "{\"purpose\":\"wrap,unwrap\",\"protection\":\"hsm\"}").then()
                .statusCode(403).body("errors[0]", containsString("keys/create permission"));
        // Software protection needs no key exchange key, so no create permission either.
        String other = key();
        write(distribution(provider, other), "{\"purpose\":\"wrap,unwrap\",\"protection\":\"software\"}").then()
                .statusCode(204);
        grant(vault);
        write(distribution(provider, key), "{\"purpose\":\"wrap,unwrap\",\"protection\":\"hsm\"}").then().statusCode(204);
    }

    @Test
    void withoutGetTheKeyExchangeKeyCannotBeCheckedBeforeReuse() {
        String vault = lacking("get");
        String provider = provider(vault);
        // The first HSM distribution creates the key exchange key and needs no get.
        String first = key();
        write(distribution(provider, first), "{\"purpose\":\"encrypt\"}").then().statusCode(204);
        String second = key();
        write(distribution(provider, second), "{\"purpose\":\"encrypt\"}").then()
                .statusCode(403).body("errors[0]", containsString("keys/get permission"));
        grant(vault);
        write(distribution(provider, second), "{\"purpose\":\"encrypt\"}").then().statusCode(204);
        assertEquals(1, inspector().versions(vault, "keymgmt-byok-kek").size(), "the key exchange key is reused");
    }

    @Test
    void withoutUpdateVersionsCannotBeDisabledUntilGranted() {
        String vault = lacking("update");
        String provider = provider(vault);
        String key = key();
        write(distribution(provider, key), "{\"purpose\":\"encrypt\",\"protection\":\"software\"}").then().statusCode(204);
        Api.call().post("/v1/keymgmt/key/" + key + "/rotate").then().statusCode(204);
        write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":2}").then().statusCode(403)
                .body("errors[0]", allOf(containsString("was updated here"), containsString("keys/update permission")));
        String v1 = azureVersions(provider, key).get("1");
        assertTrue(inspector().version(vault, azureName(provider, key), v1).orElseThrow().enabled());

        grant(vault);
        write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":2}").then().statusCode(204);
        assertFalse(inspector().version(vault, azureName(provider, key), v1).orElseThrow().enabled());
    }

    @Test
    void withoutDeleteTheRemovalStopsAndResumes() {
        String vault = lacking("delete");
        String provider = provider(vault);
        String key = key();
        write(distribution(provider, key), "{\"purpose\":\"verify\",\"protection\":\"software\"}").then().statusCode(204);
        String name = azureName(provider, key);
        Api.call().delete(distribution(provider, key)).then().statusCode(403)
                .body("errors[0]", containsString("keys/delete permission"));
        read(distribution(provider, key)).then().statusCode(200).body("data.state", equalTo("removing"));
        assertFalse(inspector().versions(vault, name).isEmpty());

        grant(vault);
        Api.call().delete(distribution(provider, key)).then().statusCode(204);
        assertTrue(inspector().versions(vault, name).isEmpty());
        read(distribution(provider, key)).then().statusCode(404);
    }

    private String lacking(String permission) {
        lacked.add(permission);
        return LocalKeyVaults.lackingVault(permission);
    }

    /** Gives the engine's managed identity all five permissions on the vault. */
    private static void grant(String vault) {
        LocalStackResource.vaults().emulator().setPermissions(vault, LocalKeyVaults.MANAGED_IDENTITY_CLIENT_ID,
                LocalKeyVaults.MINIMUM_PERMISSIONS.toArray(String[]::new));
    }

    private static String provider(String vault) {
        String provider = unique("p-" + vault);
        Api.managedIdentityProvider(provider, vault);
        return provider;
    }

    private static String key() {
        String key = unique("k");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        return key;
    }

    private static String distribution(String provider, String key) {
        return "/v1/keymgmt/kms/" + provider + "/key/" + key;
    }

    private static VaultInspector inspector() {
        return LocalStackResource.vaults().inspector();
    }
}
