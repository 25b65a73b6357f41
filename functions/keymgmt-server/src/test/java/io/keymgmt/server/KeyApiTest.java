package io.keymgmt.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class KeyApiTest {

    private static RequestSpecification api() {
        return given().header("X-Vault-Token", LocalStackResource.TOKEN);
    }

    @Test
    void createReadRotateAndDelete() {
        api().body("{\"type\":\"rsa-2048\"}").post("/v1/keymgmt/key/k1").then().statusCode(204);
        api().get("/v1/keymgmt/key/k1").then().statusCode(200)
                .body("data.name", equalTo("k1"))
                .body("data.type", equalTo("rsa-2048"))
                .body("data.latest_version", equalTo(1))
                .body("data.min_enabled_version", equalTo(1))
                .body("data.deletion_allowed", equalTo(false))
                .body("data.versions.'1'.public_key", containsString("-----BEGIN PUBLIC KEY-----\n"))
                .body("warnings", nullValue());
        api().post("/v1/keymgmt/key/k1/rotate").then().statusCode(204);
        api().body("{\"min_enabled_version\":\"2\"}").put("/v1/keymgmt/key/k1").then().statusCode(204);
        api().get("/v1/keymgmt/key/k1").then().statusCode(200)
                .body("data.latest_version", equalTo(2))
                .body("data.min_enabled_version", equalTo(2))
                .body("data.versions.'1'", nullValue())
                .body("data.versions.'2'.creation_time", not(nullValue()));
        api().request("LIST", "/v1/keymgmt/key").then().statusCode(200).body("data.keys", hasItem("k1"));
        api().delete("/v1/keymgmt/key/k1").then().statusCode(400)
                .body("errors[0]", containsString("deletion_allowed"));
        api().body("{\"deletion_allowed\":true}").post("/v1/keymgmt/key/k1").then().statusCode(204);
        api().delete("/v1/keymgmt/key/k1").then().statusCode(204);
        api().get("/v1/keymgmt/key/k1").then().statusCode(404);
    }

    @Test
    void requestsWithoutTheTokenAreRefused() {
        given().get("/v1/keymgmt/key?list=true").then().statusCode(403).body("errors[0]", equalTo("permission denied"));
        given().header("X-Vault-Token", "wrong").get("/v1/keymgmt/key/x").then().statusCode(403);
    }
}
