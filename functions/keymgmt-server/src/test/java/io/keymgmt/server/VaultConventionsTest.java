package io.keymgmt.server;

import static io.keymgmt.server.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Vault conventions Vault clients rely on, one test each, every request carrying X-Vault-Request
 * as HashiCorp's Go client (and so the vault CLI) sends it. VaultCompatibilityTest has the read
 * envelope and the two list forms on two paths; these go over every route of the kind.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class VaultConventionsTest {

    private static final String VAULT = LocalKeyVaults.DEMO_VAULTS.get(0);
    private static final String EMPTY_ERRORS = "{\"errors\":[]}";

    /** A request as the Go client sends one. */
    private static RequestSpecification vault() {
        return Api.call().header("X-Vault-Request", "true");
    }

    @Test
    void theXVaultRequestHeaderIsAccepted() {
        String key = unique("xvr");
        vault().body("{\"deletion_allowed\":true}").put("/v1/keymgmt/key/" + key).then().statusCode(204);
        vault().get("/v1/keymgmt/key/" + key).then().statusCode(200).body("data.name", equalTo(key));
        vault().request("LIST", "/v1/keymgmt/key").then().statusCode(200).body("data.keys", hasItem(key));
        vault().get("/v1/keymgmt/key/?list=true").then().statusCode(200).body("data.keys", hasItem(key));
        vault().post("/v1/keymgmt/key/" + key + "/rotate").then().statusCode(204);
        vault().get("/v1/keymgmt/key/" + key + "?help=1").then().statusCode(200);
        vault().get(OpenApiTest.DOCUMENT).then().statusCode(200);
        vault().delete("/v1/keymgmt/key/" + key).then().statusCode(204);
        // It is no credential: without a token the header gets nothing, and health needs neither.
        given().header("X-Vault-Request", "true").get("/v1/keymgmt/key/" + key).then().statusCode(403);
        given().header("X-Vault-Request", "true").get("/v1/sys/health").then().statusCode(200);
    }

    @Test
    void listIsTheListVerbOrGetWithListTrueOnEveryListPath() {
        String provider = unique("lp");
        String key = unique("lk");
        Api.managedIdentityProvider(provider, VAULT);
        vault().body("{}").post("/v1/keymgmt/key/" + key).then().statusCode(204);
        vault().body("{\"purpose\":\"verify\",\"protection\":\"software\"}")
                .post("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(204);
        Map<String, String> lists = Map.of(
                "key", key,
                "key/" + key + "/kms", provider,
                "kms", provider,
                "kms/" + provider + "/key", key);
        assertEquals(Routes.all().stream().filter(r -> r.verb() == Verb.LIST).count(), lists.size());
        lists.forEach((path, expected) -> {
            String url = "/v1/keymgmt/" + path;
            // LIST, and GET ?list=true in Go's spellings of true; the vault CLI adds a trailing slash.
            for (Response response : List.of(vault().request("LIST", url), vault().request("LIST", url + "/"),
                    vault().get(url + "?list=true"), vault().get(url + "/?list=true"), vault().get(url + "?list=True"),
                    vault().get(url + "?list=1"))) {
                response.then().statusCode(200).body("data.keys", hasItem(expected)).body("warnings", nullValue());
            }
            vault().get(url).then().statusCode(405).body("errors", equalTo(List.of(
                    "unsupported operation: this path only lists; use LIST or GET with ?list=true")));
            vault().get(url + "?list=false").then().statusCode(405);
            vault().get(url + "?list=sure").then().statusCode(400)
                    .body("errors", equalTo(List.of("list must be a boolean (true or false), got \"sure\"")));
        });
        vault().delete("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(204);
    }

    @Test
    void unknownParametersGetWarningsInTheEnvelopeOnEveryWrite() {
        String provider = unique("wp");
        String key = unique("wk");
        String warning = "Endpoint ignored these unrecognized parameters: [colour]";
        Map<String, String> writes = new java.util.LinkedHashMap<>();
        writes.put("kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                + "\",\"credentials\":{\"tenant_id\":\"" + LocalKeyVaults.TENANT_ID + "\"},\"colour\":\"red\"}");
        writes.put("key/" + key, "{\"type\":\"rsa-2048\",\"colour\":\"red\"}");
        writes.put("key/" + key + "/rotate", "{\"colour\":\"red\"}");
        writes.put("kms/" + provider + "/key/" + key, "{\"purpose\":\"sign\",\"protection\":\"software\",\"colour\":1}");
        assertEquals(Routes.all().stream().filter(r -> r.verb() == Verb.WRITE).count(), writes.size());
        writes.forEach((path, body) -> vault().body(body).post("/v1/keymgmt/" + path).then().statusCode(200)
                .body("warnings", equalTo(List.of(warning)))
                .body("data", nullValue())
                .body("request_id", matchesPattern("[0-9a-f-]{36}"))
                .body("mount_type", equalTo("keymgmt")));
        // The writes took effect all the same.
        vault().get("/v1/keymgmt/key/" + key).then().statusCode(200).body("data.latest_version", equalTo(2));
        vault().get("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(200)
                .body("data.versions.size()", equalTo(2));
        vault().delete("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(204);
    }

    private record Call(String method, String path, String body) {
    }

    @Test
    void writesAndDeletesWithNothingToSayAre204WithNoBody() {
        String provider = unique("np");
        String key = unique("nk");
        List<Call> calls = List.of(
                new Call("POST", "kms/" + provider, "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + VAULT
                        + "\",\"credentials\":{\"tenant_id\":\"" + LocalKeyVaults.TENANT_ID + "\"}}"),
                new Call("PUT", "key/" + key, "{\"type\":\"rsa-2048\"}"),
                new Call("POST", "key/" + key + "/rotate", null),
                new Call("PUT", "kms/" + provider + "/key/" + key, "{\"purpose\":\"sign\",\"protection\":\"software\"}"),
                new Call("DELETE", "kms/" + provider + "/key/" + key, null),
                new Call("POST", "key/" + key, "{\"deletion_allowed\":true}"),
                new Call("DELETE", "key/" + key, null),
                new Call("DELETE", "kms/" + provider, null),
                // A delete of what is not there is 204 too, so a retry is harmless.
                new Call("DELETE", "kms/" + provider, null));
        for (Call call : calls) {
            RequestSpecification request = vault();
            if (call.body() != null) {
                request.body(call.body());
            }
            Response response = request.request(call.method(), "/v1/keymgmt/" + call.path());
            assertEquals(204, response.statusCode(), call + ": " + response.asString());
            assertEquals("", response.asString(), call.toString());
        }
        // Every write and every delete of the catalog was among them.
        assertEquals(Set.copyOf(Routes.all().stream().filter(r -> r.verb() == Verb.WRITE || r.verb() == Verb.DELETE)
                .toList()), Set.copyOf(calls.stream().map(c -> Routes.find(Verb.of(c.method(), false).orElseThrow(),
                        List.of(c.path().split("/"))).orElseThrow()).toList()));
        vault().get("/v1/keymgmt/kms/" + provider).then().statusCode(404);
    }

    @Test
    void anEmptyListIs404WithAnEmptyErrorsList() {
        String provider = unique("ep");
        String key = unique("ek");
        Api.managedIdentityProvider(provider, VAULT);
        vault().body("{}").post("/v1/keymgmt/key/" + key).then().statusCode(204);
        for (String url : List.of("/v1/keymgmt/kms/" + provider + "/key", "/v1/keymgmt/key/" + key + "/kms")) {
            for (Response response : List.of(vault().request("LIST", url), vault().get(url + "/?list=true"))) {
                response.then().statusCode(404).contentType("application/json");
                assertEquals(EMPTY_ERRORS, response.asString(), url);
            }
        }
    }

    @Test
    void unknownMountsAndPathsOutsideTheMountAreVaultsNotFound() {
        Map<String, String> notFound = Map.of(
                "/v1/nosuchmount/key", "no handler for route \"nosuchmount/key\". route entry not found.",
                "/v1/keymgmt-other/kms", "no handler for route \"keymgmt-other/kms\". route entry not found.",
                "/v1/sys/mounts", "no handler for route \"sys/mounts\". route entry not found.",
                "/v2/keymgmt/key", "no handler for route \"/v2/keymgmt/key\". route entry not found.",
                "/keymgmt/key", "no handler for route \"/keymgmt/key\". route entry not found.",
                "/v1/keymgmt/nothing/here", "unsupported path",
                "/v1/keymgmt/key/k/versions", "unsupported path");
        notFound.forEach((url, message) -> {
            vault().get(url).then().statusCode(404).contentType("application/json")
                    .body("errors", equalTo(List.of(message)));
            vault().request("LIST", url).then().statusCode(404).body("errors", equalTo(List.of(message)));
        });
    }
}
