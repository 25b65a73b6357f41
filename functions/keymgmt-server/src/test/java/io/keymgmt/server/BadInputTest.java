package io.keymgmt.server;

import static io.keymgmt.server.Api.list;
import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a 4xx with Vault's {@code {"errors":[...]}} and a message a user can act on, and
 * nothing is written.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class BadInputTest {

    private static final String TENANT = LocalKeyVaults.TENANT_ID;
    private static final String VAULT = LocalKeyVaults.DEMO_VAULTS.get(0);

    @Test
    void malformedJsonWritesNothing() {
        String key = unique("k");
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\": \"rsa-2048\"").then(), 400, "failed to parse JSON");
        expectError(write("/v1/keymgmt/key/" + key, "[\"rsa-2048\"]").then(), 400, "must be a JSON object");
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
    }

    @Test
    void wrongTypesAreRefusedByName() {
        String key = unique("k");
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":[\"rsa-2048\"]}").then(), 400, "type must be a string");
        expectError(write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":\"two\"}").then(), 400,
                "min_enabled_version must be an integer");
        expectError(write("/v1/keymgmt/key/" + key, "{\"deletion_allowed\":\"maybe\"}").then(), 400,
                "deletion_allowed must be a boolean");
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
        String provider = unique("p");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":5}").then(), 400, "credentials must be an object or a list of \"key=value\" strings");
        read("/v1/keymgmt/kms/" + provider).then().statusCode(404);
    }

    @Test
    void unsupportedKeyTypesAreRefusedWithWhatAzureAccepts() {
        String key = unique("k");
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":\"aes256-gcm96\"}").then(), 400,
                "accepts rsa-2048, rsa-3072 and rsa-4096");
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":\"ecdsa-p256\"}").then(), 400, "Azure Key Vault");
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-1024\"}").then(), 400, "rsa-2048");
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
    }

    @Test
    void namesAzureCannotHoldAreRefused() {
        expectError(write("/v1/keymgmt/key/bad name!", "{}").then(), 400, "is not valid");
        expectError(write("/v1/keymgmt/key/" + "k".repeat(117), "{}").then(), 400, "at most 116 characters");
        String provider = unique("p");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"kv\","
                + "\"credentials\":{\"tenant_id\":\"" + TENANT + "\"}}").then(), 400, "key_collection");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":"
                + "\"no-such-vault\",\"credentials\":{\"tenant_id\":\"" + TENANT + "\"}}").then(), 400, "no-such-vault");
        read("/v1/keymgmt/kms/" + provider).then().statusCode(404);
    }

    @Test
    void providersOtherThanAzureAndMissingFieldsAreRefused() {
        String provider = unique("p");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"awskms\",\"key_collection\":\"" + VAULT + "\"}")
                .then(), 400, "Azure Key Vault only");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"vaultkms\",\"key_collection\":\"" + VAULT + "\"}")
                .then(), 400, "use azurekeyvault");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"key_collection\":\"" + VAULT + "\"}").then(), 400,
                "missing provider");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\"}").then(), 400,
                "missing key_collection");
        read("/v1/keymgmt/kms/" + provider).then().statusCode(404);
    }

    @Test
    void missingAndExtraCredentialsAreRefused() {
        String provider = unique("p");
        // No tenant anywhere: Azure needs it even with managed identity.
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\"}").then(), 400, "tenant");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":[\"tenant_id=" + TENANT + "\",\"client_scret=abc\"]}").then(), 400, "client_scret");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":{\"tenant_id\":\"" + TENANT + "\",\"client_secret\":\"s\"}}").then(), 400,
                "client_id");
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":{\"tenant_id\":\"" + TENANT + "\",\"environment\":\"AzureMoonCloud\"}}").then(), 400,
                "AzurePublicCloud");
        read("/v1/keymgmt/kms/" + provider).then().statusCode(404);
    }

    @Test
    void unknownObjectsAre404() {
        String provider = unique("p");
        String key = unique("k");
        Api.managedIdentityProvider(provider, VAULT);
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt\"}").then(), 404,
                "key \"" + key + "\" not found");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        expectError(write("/v1/keymgmt/kms/" + unique("nope") + "/key/" + key, "{\"purpose\":\"encrypt\"}").then(), 404,
                "not found");
        expectError(read("/v1/keymgmt/kms/" + provider + "/key/" + key).then(), 404, "is not distributed");
        list("/v1/keymgmt/key/" + key + "/kms").then().statusCode(404);
        expectError(Api.call().post("/v1/keymgmt/key/" + unique("nope") + "/rotate").then(), 404, "not found");
    }

    @Test
    void immutableFieldsCannotChange() {
        String provider = unique("p");
        String key = unique("k");
        Api.managedIdentityProvider(provider, VAULT);
        expectError(write("/v1/keymgmt/kms/" + provider, "{\"key_collection\":\"" + LocalKeyVaults.DEMO_VAULTS.get(1) + "\"}")
                .then(), 400, "key_collection cannot be changed");
        write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-2048\"}").then().statusCode(204);
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-4096\"}").then(), 400, "type cannot be changed");
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt\",\"protection\":\"software\"}")
                .then().statusCode(204);
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt,decrypt\","
                + "\"protection\":\"software\"}").then(), 400, "cannot be changed after the key has been distributed");
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt\",\"protection\":\"hsm\"}")
                .then(), 400, "cannot be changed");
        // The same values again are accepted: the call re-checks the distribution.
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt\",\"protection\":\"software\"}")
                .then().statusCode(204);
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt\",\"protection\":\"best\"}")
                .then(), 400, "protection");
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"encrypt,delete\"}").then(), 400,
                "purpose");
    }

    @Test
    void minEnabledVersionOutOfRange() {
        String key = unique("k");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        expectError(write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":2}").then(), 400, "greater than the latest");
        expectError(write("/v1/keymgmt/key/" + key, "{\"min_enabled_version\":-1}").then(), 400, "0 or more");
        read("/v1/keymgmt/key/" + key).then().body("data.min_enabled_version", equalTo(1));
    }

    @Test
    void missingPurposeIsRefused() {
        String provider = unique("p");
        String key = unique("k");
        Api.managedIdentityProvider(provider, VAULT);
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"protection\":\"hsm\"}").then(), 400,
                "missing purpose");
        expectError(write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"\"}").then(), 400, "purpose");
        list("/v1/keymgmt/kms/" + provider + "/key").then().statusCode(404);
    }

    @Test
    void oversizedBodiesAreRefused() {
        String key = unique("k");
        String padding = "x".repeat(70 * 1024);
        expectError(write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-2048\",\"pad\":\"" + padding + "\"}").then(), 413,
                "larger than");
        String huge = "x".repeat(2 * 1024 * 1024);
        ValidatableResponse response = write("/v1/keymgmt/key/" + key, "{\"pad\":\"" + huge + "\"}").then();
        expectError(response, 413, "larger than");
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
    }

    @Test
    void unsupportedMethodsAndPaths() {
        expectError(Api.call().patch("/v1/keymgmt/key/" + unique("k")).then(), 405, "unsupported operation");
        expectError(Api.call().get("/v1/keymgmt/key").then(), 405, "unsupported operation");
        expectError(Api.call().get("/v1/keymgmt/nothing/here").then(), 404, "unsupported path");
    }

    @Test
    void unknownParametersAreIgnoredWithVaultsWarning() {
        String key = unique("k");
        write("/v1/keymgmt/key/" + key, "{\"type\":\"rsa-2048\",\"exportable\":true}").then().statusCode(200)
                .body("warnings[0]", containsString("Endpoint ignored these unrecognized parameters: [exportable]"));
        read("/v1/keymgmt/key/" + key).then().statusCode(200).body("data.type", equalTo("rsa-2048"));
    }

    private static void expectError(ValidatableResponse response, int status, String fragment) {
        response.statusCode(status)
                .body("errors", hasSize(1))
                .body("errors[0]", allOf(containsString(fragment), not(containsString("Exception"))));
    }
}
