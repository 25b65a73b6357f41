package io.keymgmt.server;

import static io.keymgmt.server.Api.call;
import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The workflow actions as a Logic App calls them: POST an action, and while the answer is 202 follow its
 * Location, waiting Retry-After between polls, until the answer is not 202. The work is done by the
 * local runtime's queue worker (the rotation app's queue function on Azure), on Azurite's queue and the
 * Key Vault emulator.
 */
@QuarkusTest
@TestProfile(LogicAppsActionsTest.QueueWorkerOnly.class)
@QuarkusTestResource(LocalStackResource.class)
class LogicAppsActionsTest {

    /** The queue is worked; the timer is far away; a request answers 202 almost at once. */
    public static class QueueWorkerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keymgmt.rotation.local-runtime", "true", "keymgmt.rotation.schedule", "0 0 0 1 1 *",
                    "keymgmt.rotation.local-retry-delay", "1s", "keymgmt.actions.answer-within", "100ms",
                    "keymgmt.actions.retry-after", "1s");
        }
    }

    private static final int MAX_POLLS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path CONNECTOR = Path.of("../../infra/logic-apps/keymgmt-connector.swagger.json");

    /** One poll as the Logic Apps HTTP action does it, and how many polls it took. */
    record Polled(Response last, int polls, String firstLocation) {
        JsonPath body() {
            return last.jsonPath();
        }
    }

    private static Response action(String name, String body, Optional<String> idempotencyKey) {
        var request = call().contentType("application/json").body(body);
        if (idempotencyKey.isPresent()) {
            request = request.header("Idempotency-Key", idempotencyKey.get());
        }
        return request.post("/actions/" + name);
    }

    /** Follows Location while the answer is 202, sleeping Retry-After seconds between polls. */
    private static Polled untilNot202(Response first) throws InterruptedException {
        return untilNot202(first, location -> call().get(location));
    }

    /** The same, each poll made by {@code poll} with the caller's own authentication. */
    static Polled untilNot202(Response first, java.util.function.Function<String, Response> poll)
            throws InterruptedException {
        Response current = first;
        String firstLocation = first.getHeader("Location");
        int polls = 0;
        while (current.getStatusCode() == 202) {
            assertTrue(polls++ < MAX_POLLS, "still 202 after " + MAX_POLLS + " polls: " + current.asString());
            String location = current.getHeader("Location");
            assertTrue(location != null && location.matches("https?://[^/]+/actions/operations/[0-9a-f]{32}"),
                    "an absolute Location: " + location);
            String retryAfter = current.getHeader("Retry-After");
            assertTrue(retryAfter != null && retryAfter.matches("\\d+"), "Retry-After in seconds: " + retryAfter);
            Thread.sleep(Long.parseLong(retryAfter) * 1000);
            current = poll.apply(location);
        }
        return new Polled(current, polls, firstLocation);
    }

    static String keyIn(String key, String... providers) {
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        for (String p : providers) {
            write("/v1/keymgmt/kms/" + p + "/key/" + key, "{\"purpose\":\"sign,verify\",\"protection\":\"software\"}")
                    .then().statusCode(204);
        }
        return key;
    }

    @Test
    void aRotationAcrossTwoVaultsIsPolledToItsEnd() throws Exception {
        String p1 = unique("la-p1");
        String p2 = unique("la-p2");
        Api.managedIdentityProvider(p1, LocalKeyVaults.DEMO_VAULTS.get(0));
        Api.managedIdentityProvider(p2, LocalKeyVaults.DEMO_VAULTS.get(1));
        String key = keyIn(unique("la-k"), p1, p2);

        Response first = action("rotate-key", "{\"key\":\"" + key + "\"}", Optional.of(UUID.randomUUID().toString()));
        first.then().statusCode(202).body("status", equalTo("running")).body("progress.vaults_total", equalTo(2));
        Polled polled = untilNot202(first);

        polled.last().then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("action", equalTo("rotate-key"))
                .body("key", equalTo(key))
                .body("version", equalTo(2))
                .body("progress.vaults_done", equalTo(2))
                .body("progress.errors.size()", equalTo(0))
                .body("error", nullValue())
                .body("status_url", equalTo(polled.firstLocation()));
        assertEquals(List.of(p1, p2).stream().sorted().toList(), polled.body().getList("vaults.provider"));
        read("/v1/keymgmt/key/" + key).then().body("data.latest_version", equalTo(2));
        for (String p : List.of(p1, p2)) {
            assertTrue(Api.azureVersions(p, key).containsKey("2"), "version 2 is in the vault of " + p);
        }
        // Status and lists, answered at once.
        action("key-status", "{\"key\":\"" + key + "\"}", Optional.empty()).then().statusCode(200)
                .body("latest_version", equalTo(2))
                .body("distributions.provider", equalTo(List.of(p1, p2).stream().sorted().toList()))
                .body("distributions.state", equalTo(List.of("active", "active")))
                .body("distributions[0].versions.'2'", matchesPattern("[0-9a-f]{32}"));
        JsonNode status = JSON.readTree(action("key-status", "{\"key\":\"" + key + "\"}", Optional.empty()).asString());
        JsonNode schema = connector().path("definitions").path("KeyStatus");
        assertEquals(sorted(schema.path("properties").fieldNames()), sorted(status.fieldNames()));
        assertEquals(sorted(schema.path("properties").path("distributions").path("items").path("properties")
                .fieldNames()), sorted(status.path("distributions").get(0).fieldNames()));
        action("list-keys", "{}", Optional.empty()).then().statusCode(200).body("keys", hasItem(key));
        action("list-providers", "", Optional.empty()).then().statusCode(200).body("providers", hasItem(p1));
    }

    @Test
    void aVaultThatRefusesEndsTheOperationWithItsError() throws Exception {
        String good = unique("la-good");
        String refusing = unique("la-refusing");
        Api.managedIdentityProvider(good, LocalKeyVaults.DEMO_VAULTS.get(0));
        Api.managedIdentityProvider(refusing, LocalKeyVaults.lackingVault("import"));
        String key = keyIn(unique("la-r"), good);

        Polled distributed = untilNot202(action("distribute-key", "{\"key\":\"" + key + "\",\"provider\":\"" + refusing
                + "\",\"purpose\":[\"sign\",\"verify\"],\"protection\":\"software\"}", Optional.empty()));
        distributed.last().then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("error.code", equalTo("OperationFailed"))
                .body("error.message", containsString("import"))
                .body("vaults[0].provider", equalTo(refusing))
                .body("vaults[0].status", equalTo("failed"));

        Polled rotated = untilNot202(action("rotate-key", "{\"key\":\"" + key + "\"}", Optional.empty()));
        rotated.last().then().statusCode(200)
                .body("status", equalTo("failed"))
                .body("version", equalTo(2))
                .body("progress.vaults_done", equalTo(1))
                .body("progress.vaults_failed", equalTo(1))
                .body("error.message", containsString("1 of 2 vaults did not take it: " + refusing + ": "))
                .body("error.message", containsString("import"));
        assertTrue(Api.azureVersions(good, key).containsKey("2"), "the vault that works took version 2");
        action("key-status", "{\"key\":\"" + key + "\"}", Optional.empty()).then().statusCode(200)
                .body("distributions.find { it.provider == '" + refusing + "' }.last_error", containsString("import"));
    }

    @Test
    void aReplayWithTheSameIdempotencyKeyReturnsTheSameOperationAndRotatesOnce() throws Exception {
        String p = unique("la-idem");
        Api.managedIdentityProvider(p, LocalKeyVaults.DEMO_VAULTS.get(1));
        String key = keyIn(unique("la-idem-k"), p);
        String idempotencyKey = "run-" + UUID.randomUUID();
        String body = "{\"key\":\"" + key + "\"}";

        Response first = action("rotate-key", body, Optional.of(idempotencyKey));
        String id = first.jsonPath().getString("id");
        Response replay = action("rotate-key", body, Optional.of(idempotencyKey));
        assertEquals(id, replay.jsonPath().getString("id"), "a replay while it runs finds the same operation");
        untilNot202(first).last().then().statusCode(200).body("status", equalTo("succeeded"));

        action("rotate-key", body, Optional.of(idempotencyKey)).then().statusCode(200)
                .body("id", equalTo(id)).body("status", equalTo("succeeded")).body("version", equalTo(2));
        read("/v1/keymgmt/key/" + key).then().body("data.latest_version", equalTo(2));
        assertEquals(2, Api.azureVersions(p, key).size(), "two versions in the vault, after three requests");

        action("rotate-key", "{\"key\":\"" + keyIn(unique("la-other"), p) + "\"}", Optional.of(idempotencyKey))
                .then().statusCode(422).body("errors[0]", containsString("this Idempotency-Key was used for another "
                        + "request (operation " + id));
    }

    @Test
    void aRemovalIsDoneInTheRequestAndAnsweredWithItsOutcome() {
        String p = unique("la-rm");
        Api.managedIdentityProvider(p, LocalKeyVaults.DEMO_VAULTS.get(0));
        String key = keyIn(unique("la-rm-k"), p);

        action("remove-key", "{\"key\":\"" + key + "\",\"provider\":\"" + p + "\"}", Optional.of(UUID.randomUUID()
                .toString())).then().statusCode(200).body("status", equalTo("succeeded")).body("provider", equalTo(p));
        Api.list("/v1/keymgmt/key/" + key + "/kms").then().statusCode(404);
    }

    static JsonNode connector() throws java.io.IOException {
        return JSON.readTree(java.nio.file.Files.readString(CONNECTOR));
    }

    static List<String> sorted(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        list.sort(null);
        return list;
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        action("rotate", "{}", Optional.empty()).then().statusCode(404)
                .body("errors[0]", containsString("no action \"rotate\"; the actions are rotate-key"));
        action("rotate-key", "{\"key\":\"k\",\"provider\":\"p\"}", Optional.empty()).then().statusCode(400)
                .body("errors[0]", equalTo("provider: not a field of rotate-key; it takes key"));
        action("rotate-key", "{}", Optional.empty()).then().statusCode(400)
                .body("errors[0]", equalTo("key: the name of the key is required"));
        action("rotate-key", "{\"key\":", Optional.empty()).then().statusCode(400)
                .body("errors[0]", containsString("failed to parse JSON input"));
        action("rotate-key", "{\"key\":\"" + unique("missing") + "\"}", Optional.empty()).then().statusCode(404)
                .body("errors[0]", containsString("not found"));
        action("list-keys", "{\"prefix\":\"a\"}", Optional.empty()).then().statusCode(400)
                .body("errors[0]", equalTo("prefix: not a field of list-keys; it takes no fields"));
        call().get("/actions/operations/0123456789abcdef0123456789abcdef").then().statusCode(404)
                .body("errors[0]", containsString("never started here"));
        call().get("/actions/operations/not-an-id").then().statusCode(404)
                .body("errors[0]", containsString("32 hex digits"));
        call().get("/actions/rotate-key").then().statusCode(405);
        io.restassured.RestAssured.given().contentType("application/json").body("{}").post("/actions/list-keys")
                .then().statusCode(403);
    }
}
