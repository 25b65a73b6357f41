package io.keymgmt.server;

import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.http.routes.RoutePath;
import io.keymgmt.http.routes.Routes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code vault path-help}: {@code GET /v1/keymgmt/<path>?help=1} answers Vault's raw help object, whose
 * text names every parameter of the path, for every path the server serves; unknown paths and mounts
 * are Vault's 404; help needs a token like any other request, and reads or writes nothing.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class PathHelpTest {

    @Test
    void helpOnAKeyNamesEveryParameterOfThePathAndTouchesNothing() {
        String key = unique("help");
        JsonPath body = Api.call().header("X-Vault-Request", "true").get("/v1/keymgmt/key/" + key + "?help=1")
                .then().statusCode(200).contentType("application/json").extract().jsonPath();
        String help = body.getString("help");
        assertTrue(help.startsWith("Request:        key/" + key + "\nMatching Route: ^key/(?P<name>"), help);
        for (String parameter : List.of("deletion_allowed (bool)", "min_enabled_version (int)", "name (string)",
                "type (string)")) {
            assertTrue(help.contains("\n    " + parameter + "\n\n        "), parameter + " in\n" + help);
        }
        assertTrue(help.contains("\n## DESCRIPTION\n\n"), help);
        // Vault's raw help object: the text, see_also, and the path's OpenAPI; no envelope.
        assertNull(body.get("see_also"));
        assertNull(body.get("data"));
        assertEquals("3.0.2", body.getString("openapi.openapi"));
        assertEquals(List.of("/key/{name}"), new ArrayList<>(body.getMap("openapi.paths").keySet()));
        // Help is not a read: the key still does not exist, and nothing was created.
        read("/v1/keymgmt/key/" + key).then().statusCode(404);
    }

    @Test
    void everyPathTheServerServesHasHelpWithAllItsParameters() {
        for (RoutePath path : Routes.paths()) {
            String concrete = path.template().replace("{name}", unique("h")).replace("{key_name}", unique("h"));
            String help = Api.call().get("/v1/keymgmt/" + concrete + "?help=1").then().statusCode(200)
                    .extract().jsonPath().getString("help");
            assertTrue(help.startsWith("Request:        " + concrete + "\n"), help);
            assertTrue(help.contains("\n\n" + path.synopsis() + "\n\n"), help);
            List<Parameter> parameters = new ArrayList<>(path.pathParameters());
            Routes.all().stream().filter(r -> r.template().equals(path.template()))
                    .map(Route::parameters).forEach(parameters::addAll);
            for (Parameter p : parameters) {
                assertTrue(help.contains("\n    " + p.name() + " (" + p.fieldType().helpName() + ")\n\n        "
                        + p.description() + "\n"), p.name() + " in\n" + help);
            }
            assertTrue(help.contains(path.description()), help);
        }
    }

    @Test
    void theMountsHelpListsEveryPath() {
        String help = Api.call().get("/v1/keymgmt/?help=1").then().statusCode(200).extract().jsonPath().getString("help");
        assertTrue(help.startsWith("## DESCRIPTION\n\n"), help);
        for (RoutePath path : Routes.paths()) {
            assertTrue((help + "\n").contains("\n        " + path.synopsis() + "\n"), path.synopsis() + " in\n" + help);
        }
        // The vault CLI's form for a list path, with the trailing slash.
        Api.call().get("/v1/keymgmt/kms/?help=1").then().statusCode(200)
                .body("help", org.hamcrest.Matchers.startsWith("Request:        kms/\nMatching Route: ^kms/?$"));
    }

    @Test
    void helpOnAnUnknownPathOrMountIsVaultsNotFound() {
        Api.call().get("/v1/keymgmt/nothing/here?help=1").then().statusCode(404)
                .body("errors", equalTo(List.of("unsupported path")));
        Api.call().get("/v1/keymgmt/key/a/b/c?help=1").then().statusCode(404)
                .body("errors", equalTo(List.of("unsupported path")));
        Api.call().get("/v1/nosuchmount/key?help=1").then().statusCode(404)
                .body("errors", equalTo(List.of("no handler for route \"nosuchmount/key\". route entry not found.")));
    }

    @Test
    void helpNeedsAToken() {
        given().get("/v1/keymgmt/key/k?help=1").then().statusCode(403)
                .body("errors", equalTo(List.of("permission denied")));
        given().header("X-Vault-Token", "not-the-token").get("/v1/keymgmt/?help=1").then().statusCode(403);
        Map<String, Object> ok = Api.call().get("/v1/keymgmt/kms/p?help=1").then().statusCode(200).extract()
                .jsonPath().getMap("");
        assertEquals(Set.of("help", "see_also", "openapi"), ok.keySet());
    }
}
