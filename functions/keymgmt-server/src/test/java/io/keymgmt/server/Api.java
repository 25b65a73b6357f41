package io.keymgmt.server;

import static io.restassured.RestAssured.given;

import io.keymgmt.keys.PublicKeyPem;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.UUID;

/** Calls the API as a Vault client would: JSON bodies, the X-Vault-Token header. */
final class Api {

    private Api() {
    }

    /** The token calls send: the local stack's, unless a test running with Entra ID sets its own. */
    private static volatile String token = LocalStackResource.TOKEN;

    static RequestSpecification call() {
        return given().header("X-Vault-Token", token);
    }

    /** Makes every call send {@code value} (an Entra ID token) until {@link #useLocalToken()}. */
    static void useToken(String value) {
        token = value;
    }

    static void useLocalToken() {
        token = LocalStackResource.TOKEN;
    }

    static Response write(String path, String json) {
        return call().body(json).post(path);
    }

    static Response read(String path) {
        return call().get(path);
    }

    static Response list(String path) {
        return call().request("LIST", path);
    }

    /** A name no other test uses, so tests sharing one application and storage do not meet. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Configures a provider for a demo vault, with managed identity (only the tenant given). */
    static void managedIdentityProvider(String name, String vault) {
        write("/v1/keymgmt/kms/" + name, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + vault
                + "\",\"credentials\":{\"tenant_id\":\"" + io.keymgmt.testkit.LocalKeyVaults.TENANT_ID + "\"}}")
                .then().statusCode(204);
    }

    /** The modulus of one version's public key, from the key's read. */
    static BigInteger modulus(String key, int version) {
        String pem = read("/v1/keymgmt/key/" + key).then().statusCode(200).extract()
                .path("data.versions.'" + version + "'.public_key");
        return ((RSAPublicKey) PublicKeyPem.parse(pem)).getModulus();
    }

    /** The distribution's map of our version to the Azure version id. */
    static Map<String, String> azureVersions(String provider, String key) {
        return read("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(200).extract().path("data.versions");
    }

    static String azureName(String provider, String key) {
        return read("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(200).extract().path("data.name");
    }
}
