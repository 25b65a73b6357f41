package io.keymgmt.server;

import static io.keymgmt.server.Api.unique;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.PublicKeyPem;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.VaultInspector;
import io.keymgmt.testkit.VaultInspector.AzureKeyVersion;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API mounted elsewhere, as {@code vault secrets enable -path=azure-keys/team keymgmt} would put
 * it: keymgmt.api.mount-path=azure-keys/team. The life cycle and Vault's conventions work under
 * /v1/azure-keys/team/, help and the OpenAPI document speak of that mount, and /v1/keymgmt/ is then
 * a mount that does not exist. (A profile of its own: Quarkus starts once more for this class.)
 */
@QuarkusTest
@TestProfile(OtherMountTest.AzureKeysTeam.class)
@QuarkusTestResource(LocalStackResource.class)
class OtherMountTest {

    static final String MOUNT = "azure-keys/team";
    private static final String ROOT = "/v1/" + MOUNT + "/";
    private static final String VAULT = LocalKeyVaults.DEMO_VAULTS.get(1);

    public static class AzureKeysTeam implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keymgmt.api.mount-path", MOUNT);
        }
    }

    private static RequestSpecification vault() {
        return Api.call().header("X-Vault-Request", "true");
    }

    private static Response write(String path, String json) {
        return vault().body(json).post(ROOT + path);
    }

    private static Response read(String path) {
        return vault().get(ROOT + path);
    }

    @Test
    void theLifeCycleRunsUnderTheMount() {
        String provider = unique("mp");
        String key = unique("mk");
        VaultInspector vaults = LocalStackResource.vaults().inspector();

        write("kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":{\"tenant_id\":\"" + LocalKeyVaults.TENANT_ID + "\"}}").then().statusCode(204);
        read("kms/" + provider).then().statusCode(200).body("data.key_collection", equalTo(VAULT));
        write("key/" + key, "{\"type\":\"rsa-2048\"}").then().statusCode(204);
        write("kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt,decrypt\",\"protection\":\"hsm\"}")
                .then().statusCode(204);
        String azureName = read("kms/" + provider + "/key/" + key).then().statusCode(200)
                .body("data.name", matchesPattern(key + "-[0-9]{10}")).body("data.state", equalTo("active"))
                .extract().path("data.name");
        expectInVault(vaults, azureName, provider, key, 1, true);

        vault().post(ROOT + "key/" + key + "/rotate").then().statusCode(204);
        expectInVault(vaults, azureName, provider, key, 2, true);
        assertNotEquals(modulus(key, 1), modulus(key, 2));
        write("key/" + key, "{\"min_enabled_version\":2}").then().statusCode(204);
        read("key/" + key).then().statusCode(200).body("data.min_enabled_version", equalTo(2))
                .body("data.versions.'1'", nullValue());
        expectInVault(vaults, azureName, provider, key, 1, false);

        // The vault CLI's list: GET with ?list=true and a trailing slash; other clients send LIST.
        vault().get(ROOT + "key/" + key + "/kms/?list=true").then().statusCode(200).body("data.keys", contains(provider));
        vault().request("LIST", ROOT + "kms/" + provider + "/key").then().statusCode(200).body("data.keys", contains(key));
        vault().request("LIST", ROOT + "key/").then().statusCode(200).body("data.keys", hasItem(key));

        vault().delete(ROOT + "kms/" + provider + "/key/" + key).then().statusCode(204);
        assertTrue(vaults.isSoftDeleted(VAULT, azureName), "removal must be a soft delete");
        vault().request("LIST", ROOT + "kms/" + provider + "/key").then().statusCode(404).body("errors", equalTo(List.of()));
        write("key/" + key, "{\"deletion_allowed\":true}").then().statusCode(204);
        vault().delete(ROOT + "key/" + key).then().statusCode(204);
        vault().delete(ROOT + "kms/" + provider).then().statusCode(204);
        read("key/" + key).then().statusCode(404);
        read("kms/" + provider).then().statusCode(404);
    }

    @Test
    void theDefaultMountIsThenUnknown() {
        String key = unique("dk");
        write("key/" + key, "{}").then().statusCode(204);
        String unknownKey = "no handler for route \"keymgmt/key/" + key + "\". route entry not found.";
        Api.call().get("/v1/keymgmt/key/" + key).then().statusCode(404).body("errors", equalTo(List.of(unknownKey)));
        Api.call().body("{}").post("/v1/keymgmt/key/" + key).then().statusCode(404)
                .body("errors", equalTo(List.of(unknownKey)));
        Api.call().get("/v1/keymgmt/key/" + key + "?help=1").then().statusCode(404)
                .body("errors", equalTo(List.of(unknownKey)));
        Api.call().request("LIST", "/v1/keymgmt/key").then().statusCode(404)
                .body("errors", equalTo(List.of("no handler for route \"keymgmt/key\". route entry not found.")));
        // Only the whole mount is the mount.
        Api.call().get("/v1/azure-keys/key/" + key).then().statusCode(404).body("errors", equalTo(List.of(
                "no handler for route \"azure-keys/key/" + key + "\". route entry not found.")));
        Api.call().get(ROOT + "nothing").then().statusCode(404).body("errors", equalTo(List.of("unsupported path")));
    }

    @Test
    void vaultsConventionsHoldUnderTheMount() {
        String key = unique("ck");
        vault().body("{\"colour\":\"red\"}").put(ROOT + "key/" + key).then().statusCode(200)
                .body("warnings", equalTo(List.of("Endpoint ignored these unrecognized parameters: [colour]")));
        Response rotated = vault().post(ROOT + "key/" + key + "/rotate");
        assertEquals(204, rotated.statusCode());
        assertEquals("", rotated.asString());
        Response empty = vault().get(ROOT + "key/" + key + "/kms/?list=true");
        assertEquals(404, empty.statusCode());
        assertEquals("{\"errors\":[]}", empty.asString());
        vault().get(ROOT + "key").then().statusCode(405);
        vault().get(ROOT + "key?list=true").then().statusCode(200).body("data.keys", hasItem(key));
    }

    @Test
    void helpAndTheDocumentDescribeThisMount() {
        vault().get(ROOT + "key/k?help=1").then().statusCode(200)
                .body("help", startsWith("Request:        key/k\nMatching Route: ^key/(?P<name>"));
        vault().get(ROOT + "?help=1").then().statusCode(200).body("help", startsWith("## DESCRIPTION"));
        OpenAPI doc = OpenApiTest.parse(vault().get(OpenApiTest.DOCUMENT).then().statusCode(200).extract().asString());
        assertEquals(8, doc.getPaths().size());
        assertTrue(doc.getPaths().keySet().stream().allMatch(p -> p.startsWith("/" + MOUNT + "/")),
                String.valueOf(doc.getPaths().keySet()));
        OpenAPI generic = OpenApiTest.parse(vault().get(OpenApiTest.DOCUMENT + "?generic_mount_paths=true").asString());
        // The resolved model carries the path item's parameters on its operations.
        PathItem item = generic.getPaths().get("/{keymgmt_mount_path}/key/{name}");
        assertEquals(MOUNT, Stream.of(item.getParameters(), item.getGet().getParameters()).filter(Objects::nonNull)
                .flatMap(List::stream).filter(p -> p.getName().equals("keymgmt_mount_path")).findFirst().orElseThrow()
                .getSchema().getDefault());
    }

    private static void expectInVault(VaultInspector vaults, String azureName, String provider, String key, int version,
            boolean enabled) {
        String azureVersion = read("kms/" + provider + "/key/" + key).then().statusCode(200).extract()
                .path("data.versions.'" + version + "'");
        AzureKeyVersion held = vaults.version(VAULT, azureName, azureVersion).orElseThrow(() ->
                new AssertionError("version " + version + " of " + key + " not in " + VAULT));
        assertEquals("RSA-HSM", held.keyType());
        assertEquals(List.of("encrypt", "decrypt"), held.keyOperations());
        assertEquals(enabled, held.enabled(), "enabled flag of version " + version);
        if (enabled) {
            assertEquals(modulus(key, version), held.modulus());
        }
    }

    /** Only versions from min_enabled_version on are readable; a hidden one is checked by flag alone. */
    private static BigInteger modulus(String key, int version) {
        String pem = read("key/" + key).then().statusCode(200).extract().path("data.versions.'" + version + "'.public_key");
        return ((RSAPublicKey) PublicKeyPem.parse(pem)).getModulus();
    }
}
