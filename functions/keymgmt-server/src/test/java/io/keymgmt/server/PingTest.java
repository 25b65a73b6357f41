package io.keymgmt.server;
import static io.restassured.RestAssured.given;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
@QuarkusTest class PingTest { @Test void ping() { given().get("/ping").then().statusCode(200); } }
