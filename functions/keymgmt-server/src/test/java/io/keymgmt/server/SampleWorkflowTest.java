package io.keymgmt.server;

import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample workflow (infra/logic-apps/rotate-key.workflow.json) as Logic Apps runs it against a
 * deployment: its HTTP action calls with the workflow's managed identity (a token from the managed
 * identity endpoint for the API's app ID URI, with the operator app role), follows Location with the
 * same authentication, and its condition picks the branch of the operation's outcome. The API checks
 * the token as on Azure (keymgmt.api.auth=entra-id).
 */
@QuarkusTest
@TestProfile(SampleWorkflowTest.EntraIdWithQueueWorker.class)
class SampleWorkflowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORKFLOW = Path.of("../../infra/logic-apps/rotate-key.workflow.json");

    /** Entra ID authentication, and the queue worker that does the operations' work. */
    public static class EntraIdWithQueueWorker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return new LogicAppsActionsTest.QueueWorkerOnly().getConfigOverrides();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EntraIdAuthTest.EntraIdStack.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @BeforeAll
    static void callers() {
        var emulator = LocalStackResource.vaults().emulator();
        // Set-up runs as an admin; the workflow's identity (the host's system-assigned one) is an operator.
        emulator.assignAppRoles(EntraIdAuthTest.EntraIdStack.api, LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID, "admin");
        emulator.assignAppRoles(EntraIdAuthTest.EntraIdStack.api, LocalKeyVaults.MANAGED_IDENTITY_CLIENT_ID, "operator");
        Instant now = Instant.now();
        Api.useToken(emulator.issueApiToken(LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID, EntraIdAuthTest.EntraIdStack.api,
                now, now.plus(Duration.ofMinutes(30))));
    }

    @AfterAll
    static void localToken() {
        Api.useLocalToken();
    }

    @Test
    void theSampleWorkflowRotatesAKeyAndTakesTheBranchOfItsOutcome() throws Exception {
        JsonNode definition = JSON.readTree(Files.readString(WORKFLOW)).path("definition");
        JsonNode http = definition.path("actions").path("Rotate_key");
        assertEquals("Http", http.path("type").asText());
        assertTrue(http.path("operationOptions").isMissingNode(), "the HTTP action keeps Logic Apps' async pattern");
        JsonNode branch = definition.path("actions").path("Rotated_everywhere");
        assertEquals("Succeeded", branch.path("runAfter").path("Rotate_key").get(0).asText());

        String good = unique("wf-good");
        String refusing = unique("wf-refusing");
        Api.managedIdentityProvider(good, LocalKeyVaults.DEMO_VAULTS.get(1));
        Api.managedIdentityProvider(refusing, LocalKeyVaults.lackingVault("import"));
        String rotates = LogicAppsActionsTest.keyIn(unique("wf-k"), good);
        String fails = LogicAppsActionsTest.keyIn(unique("wf-f"), good);
        write("/v1/keymgmt/kms/" + refusing + "/key/" + fails, "{\"purpose\":\"sign\",\"protection\":\"software\"}")
                .then().statusCode(403);

        JsonNode succeeded = runHttpAction(http, rotates);
        assertTrue(condition(branch, succeeded), "the succeeded branch: " + succeeded);
        JsonNode failed = runHttpAction(http, fails);
        assertFalse(condition(branch, failed), "the else branch: " + failed);
        JsonNode terminate = branch.path("else").path("actions").path("Fail_with_the_error").path("inputs");
        assertEquals("OperationFailed", expression(terminate.path("runError").path("code").asText(), failed));
        assertTrue(expression(terminate.path("runError").path("message").asText(), failed)
                .contains(refusing + ": "), "the run fails with the operation's error");
    }

    /** What the sample's HTTP action does, with the workflow's parameters filled in, polled as Logic Apps polls. */
    private static JsonNode runHttpAction(JsonNode http, String key) throws Exception {
        JsonNode inputs = http.path("inputs");
        Map<String, String> parameters = Map.of("keymgmtBaseUrl", RestAssured.baseURI + ":" + RestAssured.port,
                "keymgmtAudience", EntraIdAuthTest.APP_ID_URI, "keyName", key);
        String runName = "08584" + Math.abs(UUID.randomUUID().getMostSignificantBits());
        var request = RestAssured.given();
        for (var header : (Iterable<Map.Entry<String, JsonNode>>) inputs.path("headers")::fields) {
            request = request.header(header.getKey(), fill(header.getValue().asText(), parameters, runName));
        }
        String authorization = "Bearer " + managedIdentityToken(inputs.path("authentication"), parameters, runName);
        request = request.header("Authorization", authorization);
        request = request.body(fill(JSON.writeValueAsString(inputs.path("body")), parameters, runName));
        Response first = request.request(inputs.path("method").asText(), fill(inputs.path("uri").asText(), parameters,
                runName));
        // Logic Apps polls the Location with the action's own authentication.
        Response last = LogicAppsActionsTest.untilNot202(first, location -> RestAssured.given()
                .header("Authorization", authorization).get(location)).last();
        assertEquals(200, last.getStatusCode(), last.asString());
        JsonNode body = JSON.readTree(last.asString());
        assertEquals(LogicAppsActionsTest.sorted(LogicAppsActionsTest.connector().path("definitions").path("Operation").path("properties").fieldNames()),
                LogicAppsActionsTest.sorted(body.fieldNames()), "the operation's fields are those the connector definition gives");
        return body;
    }

    /**
     * What Logic Apps does for the action's ManagedServiceIdentity authentication: asks the workflow's
     * managed identity endpoint for a token for the audience, and sends it as a bearer token.
     */
    private static String managedIdentityToken(JsonNode authentication, Map<String, String> parameters,
            String runName) throws Exception {
        assertEquals("ManagedServiceIdentity", authentication.path("type").asText(), "the sample calls with its identity");
        String audience = fill(authentication.path("audience").asText(), parameters, runName);
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                LocalStackResource.vaults().managedIdentityEndpoint() + "?api-version=2019-08-01&resource="
                        + URLEncoder.encode(audience, StandardCharsets.UTF_8)))
                .header("X-IDENTITY-HEADER", LocalStackResource.vaults().emulator().managedIdentityHeader())
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        return JSON.readTree(reply.body()).path("access_token").asText();
    }

    /** Logic Apps' string interpolation, for the expressions the sample uses. */
    private static String fill(String template, Map<String, String> parameters, String runName) {
        String filled = template.replace("@{workflow()['run']['name']}", runName);
        for (var p : parameters.entrySet()) {
            filled = filled.replace("@{parameters('" + p.getKey() + "')}", p.getValue());
        }
        assertFalse(filled.contains("@{"), "an expression the test does not know: " + filled);
        return filled;
    }

    /** The If action's one equals, of a field of the HTTP action's body and a literal. */
    private static boolean condition(JsonNode branch, JsonNode body) {
        JsonNode equals = branch.path("expression").path("and").get(0).path("equals");
        return expression(equals.get(0).asText(), body).equals(equals.get(1).asText());
    }

    /** {@code body('Rotate_key')?['a']?['b']}, plain or inside @{...}: the field at that path of the body. */
    private static String expression(String text, JsonNode body) {
        Matcher m = Pattern.compile("^@\\{?body\\('Rotate_key'\\)((?:\\?\\['[a-z_]+'\\])+)}?$").matcher(text);
        assertTrue(m.matches(), "an expression the test does not know: " + text);
        JsonNode at = body;
        Matcher field = Pattern.compile("\\['([a-z_]+)'\\]").matcher(m.group(1));
        while (field.find()) {
            at = at.path(field.group(1));
        }
        return at.asText();
    }

}
