package io.keymgmt.server;

import static io.keymgmt.server.Api.azureName;
import static io.keymgmt.server.Api.azureVersions;
import static io.keymgmt.server.Api.list;
import static io.keymgmt.server.Api.modulus;
import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.VaultInspector.AzureKeyVersion;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vault's conventions, so Vault clients work unchanged. */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class VaultCompatibilityTest {

    @Test
    void readsUseVaultsEnvelope() {
        String key = unique("k");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        read("/v1/keymgmt/key/" + key).then().statusCode(200)
                .body("request_id", matchesPattern("[0-9a-f-]{36}"))
                .body("lease_id", equalTo(""))
                .body("renewable", equalTo(false))
                .body("lease_duration", equalTo(0))
                .body("wrap_info", nullValue())
                .body("warnings", nullValue())
                .body("auth", nullValue())
                .body("data.type", equalTo("rsa-2048"))
                .body("data.versions.'1'.creation_time",
                        matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}(Z|[+-]\\d{2}:\\d{2})"))
                .body("data.versions.'1'.public_key",
                        matchesPattern("-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END PUBLIC KEY-----\n"));
    }

    @Test
    void listVerbAndListQueryAgree() {
        String key = unique("k");
        Api.call().body("{}").put("/v1/keymgmt/key/" + key).then().statusCode(204);
        list("/v1/keymgmt/key").then().statusCode(200).body("data.keys", hasItem(key));
        read("/v1/keymgmt/key?list=true").then().statusCode(200).body("data.keys", hasItem(key));
        String provider = unique("p");
        Api.managedIdentityProvider(provider, LocalKeyVaults.DEMO_VAULTS.get(0));
        list("/v1/keymgmt/kms").then().statusCode(200).body("data.keys", hasItem(provider));
        // An empty list is 404 with no errors, as in Vault.
        list("/v1/keymgmt/kms/" + provider + "/key").then().statusCode(404).body("errors", equalTo(List.of()));
        read("/v1/keymgmt/kms/" + provider + "/key?list=true").then().statusCode(404);
    }

    @Test
    void tokenMayComeAsBearerAndHealthNeedsNone() {
        given().header("Authorization", "Bearer " + LocalStackResource.TOKEN).get("/v1/keymgmt/kms?list=true")
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(404)));
        given().get("/v1/sys/health").then().statusCode(200).body("sealed", equalTo(false));
        given().get("/v1/keymgmt/kms?list=true").then().statusCode(403).body("errors[0]", equalTo("permission denied"));
        given().header("X-Vault-Token", "not-the-token").body("{}").post("/v1/keymgmt/key/" + unique("k"))
                .then().statusCode(403);
    }

    @Test
    void everyKeySizeGoesThroughByok() {
        String provider = unique("p");
        String vault = LocalKeyVaults.DEMO_VAULTS.get(1);
        Api.managedIdentityProvider(provider, vault);
        for (String type : List.of("rsa-2048", "rsa-4096")) {
            String key = unique(type);
            write("/v1/keymgmt/key/" + key, "{\"type\":\"" + type + "\"}").then().statusCode(204);
            write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"unwrap\"}").then().statusCode(204);
            AzureKeyVersion held = LocalStackResource.vaults().inspector()
                    .version(vault, azureName(provider, key), azureVersions(provider, key).get("1")).orElseThrow();
            assertEquals(modulus(key, 1), held.modulus());
            assertEquals("RSA-HSM", held.keyType());
            assertEquals(List.of("unwrapKey"), held.keyOperations());
        }
    }
}
