package io.keymgmt.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.emulator.identity.ApiRegistration;
import io.keymgmt.http.routes.ApiRole;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.RouteGate;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.WorkflowAction;
import io.keymgmt.http.routes.WorkflowActions;
import io.keymgmt.server.clients.VaultClientPrograms;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * keymgmt.api.auth=entra-id against the emulator's Entra ID, which signs tokens for the registered API
 * as Entra ID does: every route of the catalog and every workflow action is walked with no token, an
 * expired one, one for another API, an altered one, and with each app role, which must open exactly
 * the routes its level allows. (A profile of its own: Quarkus starts once more for this class.)
 */
@QuarkusTest
@TestProfile(EntraIdAuthTest.EntraId.class)
class EntraIdAuthTest {

    @TestHTTPResource("/")
    URL root;

    static final String APP_ID_URI = "api://keymgmt-tests";
    static final String API_CLIENT_ID = "00000000-0000-4000-8000-0000000e0001";
    static final String OTHER_API_CLIENT_ID = "00000000-0000-4000-8000-0000000e0002";
    private static final String CALLER = LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID;

    public static class EntraId implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EntraIdStack.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** The local stack with the API registered in the emulator's directory and the API set to check its tokens. */
    public static class EntraIdStack extends LocalStackResource {
        static ApiRegistration api;
        static ApiRegistration otherApi;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            api = vaults().emulator().registerApi(APP_ID_URI, API_CLIENT_ID);
            otherApi = vaults().emulator().registerApi("api://another-api", OTHER_API_CLIENT_ID);
            config.remove("keymgmt.api.token");
            config.put("keymgmt.api.auth", "entra-id");
            config.put("keymgmt.api.entra.tenant-id", LocalKeyVaults.TENANT_ID);
            config.put("keymgmt.api.entra.audience", APP_ID_URI + "," + API_CLIENT_ID);
            config.put("keymgmt.api.entra.authority-host", vaults().emulator().authorityHost().toString());
            return config;
        }
    }

    private static String tokenWith(ApiRegistration api, String... roles) {
        vaults().assignAppRoles(api, CALLER, roles);
        Instant now = Instant.now();
        return vaults().issueApiToken(CALLER, api, now, now.plus(Duration.ofMinutes(10)));
    }

    private static io.keymgmt.emulator.KeyVaultEmulator vaults() {
        return LocalStackResource.vaults().emulator();
    }

    /** One request the API serves, with the role the catalog says it needs. */
    private record Call(String method, String path, String body, ApiRole needs) {
        Response send(String token) {
            RequestSpecification request = given().contentType("application/json");
            if (token != null) {
                request = request.header("X-Vault-Token", token);
            }
            if (body != null) {
                request = request.body(body);
            }
            return request.request(method, path);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every route of the catalog and every action, on names no test has used, so nothing exists. */
    private static List<Call> everyCall() {
        List<Call> calls = new ArrayList<>();
        for (Route route : Routes.all()) {
            String path = "/v1/keymgmt/" + route.template().replace("{name}", Api.unique("n"))
                    .replace("{key_name}", Api.unique("k"));
            switch (route.verb()) {
                case READ -> calls.add(new Call("GET", path, null, route.requiredRole()));
                case LIST -> calls.add(new Call("GET", path + "?list=true", null, route.requiredRole()));
                case WRITE -> calls.add(new Call("POST", path, "{}", route.requiredRole()));
                case DELETE -> calls.add(new Call("DELETE", path, null, route.requiredRole()));
            }
        }
        for (WorkflowAction action : WorkflowActions.all()) {
            calls.add(new Call("POST", action.path(), "{}", action.role()));
        }
        calls.add(new Call("GET", WorkflowActions.OPERATIONS + "/" + UUID.randomUUID(), null, ApiRole.READER));
        calls.add(new Call("GET", RouteGate.OPENAPI, null, ApiRole.READER));
        return calls;
    }

    @Test
    void eachRoleOpensExactlyTheRoutesOfItsLevel() {
        int opened = 0;
        for (ApiRole role : ApiRole.values()) {
            String token = tokenWith(EntraIdStack.api, role.value());
            for (Call call : everyCall()) {
                Response response = call.send(token);
                if (role.includes(call.needs())) {
                    assertNotEquals(403, response.statusCode(), role + " on " + call + ": " + response.asString());
                    opened++;
                } else {
                    assertEquals(403, response.statusCode(), role + " on " + call + ": " + response.asString());
                    assertTrue(response.asString().contains("needs the " + call.needs().value() + " app role"),
                            role + " on " + call + ": " + response.asString());
                }
            }
        }
        // reader opens the reads, operator the writes too, admin everything: each level opens more.
        assertTrue(opened > everyCall().size() * 2, "opened " + opened);
    }

    @Test
    void aTokenWithoutARoleOfThisApiIsRefusedEverywhereNamingTheRoleNeeded() {
        String token = tokenWith(EntraIdStack.api, "some-other-role");
        for (Call call : everyCall()) {
            Response response = call.send(token);
            assertEquals(403, response.statusCode(), call + ": " + response.asString());
            assertTrue(response.asString().contains("needs the " + call.needs().value() + " app role"),
                    call + ": " + response.asString());
            assertTrue(response.asString().contains("the token has no role of this API"), response.asString());
        }
    }

    @Test
    void noTokenAnExpiredOneOneForAnotherApiAndAnAlteredOneAreRefusedEverywhere() {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        vaults().assignAppRoles(EntraIdStack.api, CALLER, "admin");
        String expired = vaults().issueApiToken(CALLER, EntraIdStack.api, past, past.plus(Duration.ofHours(1)));
        String otherAudience = tokenWith(EntraIdStack.otherApi, "admin");
        String altered = altered(tokenWith(EntraIdStack.api, "reader"));
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("no token", "permission denied: no token");
        refusals.put(expired, "permission denied: the token expired at");
        refusals.put(otherAudience, "permission denied: the token is for " + OTHER_API_CLIENT_ID + ", not for this API");
        refusals.put(altered, "permission denied: the token's signature does not verify");
        refusals.put("not-a-jwt", "permission denied: the token is not an Entra ID access token");
        for (Call call : everyCall()) {
            refusals.forEach((token, message) -> {
                Response response = call.send(token.equals("no token") ? null : token);
                assertEquals(403, response.statusCode(), call + ": " + response.asString());
                assertTrue(response.asString().contains(message), call + " expected " + message + ": "
                        + response.asString());
            });
        }
    }

    @Test
    void aTokenFromTheTokenEndpointWorksInXVaultTokenAndAsBearerAndHealthNeedsNone() throws Exception {
        vaults().assignAppRoles(EntraIdStack.api, CALLER, "operator");
        // What a client-credentials client (or az account get-access-token --resource) gets and sends.
        String token = clientCredentialsToken(APP_ID_URI + "/.default");
        String key = Api.unique("entra-k");

        given().header("X-Vault-Token", token).contentType("application/json").body("{}")
                .post("/v1/keymgmt/key/" + key).then().statusCode(204);
        given().header("Authorization", "Bearer " + token).get("/v1/keymgmt/key/" + key)
                .then().statusCode(200).body("data.latest_version", equalTo(1));
        given().header("X-Vault-Token", token).delete("/v1/keymgmt/key/" + key)
                .then().statusCode(403).body("errors[0]", containsString("needs the admin app role"));
        given().get(RouteGate.HEALTH).then().statusCode(200);
    }

    @Test
    void hashiCorpsGoClientDrivesTheSessionWithAnEntraIdTokenAsVaultToken() throws Exception {
        vaults().assignAppRoles(EntraIdStack.api, CALLER, "admin");
        // As a user would: export VAULT_TOKEN=$(az account get-access-token --resource <app id uri> ...).
        VaultClientPrograms.goSession(root.getPort(), clientCredentialsToken(APP_ID_URI + "/.default"));
    }

    /** The token with its payload changed (a role raised) and the signature kept. */
    private static String altered(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"reader\"", "\"admin\"");
        assertTrue(payload.contains("\"admin\""), payload);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static String clientCredentialsToken(String scope) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + CALLER + "&client_secret="
                + URLEncoder.encode(LocalStackResource.vaults().servicePrincipalSecret(), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().sslContext(vaults().clientSslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(vaults().authorityHost() + "/"
                + LocalKeyVaults.TENANT_ID + "/oauth2/v2.0/token")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        int start = body.indexOf("\"access_token\":\"") + "\"access_token\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }
}
