package io.keymgmt.server;

import static io.keymgmt.server.Api.call;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An operation polled after its retention is a 410 that says so, not a 404 or a stale answer. */
@QuarkusTest
@TestProfile(ExpiredOperationTest.OneSecondRetention.class)
@QuarkusTestResource(LocalStackResource.class)
class ExpiredOperationTest {

    public static class OneSecondRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keymgmt.actions.retention", "1s", "keymgmt.actions.answer-within", "0s");
        }
    }

    @Test
    void anExpiredOperationIsGone() throws InterruptedException {
        String key = unique("expiring");
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        String id = call().contentType("application/json").body("{\"key\":\"" + key + "\"}").post("/actions/rotate-key")
                .then().statusCode(202).extract().path("id");
        Thread.sleep(1200);
        call().get("/actions/operations/" + id).then().statusCode(410)
                .body("errors[0]", containsString("operation " + id + " expired at "))
                .body("errors[0]", containsString("start the action again"));
    }
}
