package io.keymgmt.http.routes;

import static io.keymgmt.http.routes.FunctionApp.DELETION;
import static io.keymgmt.http.routes.FunctionApp.KEY_DISTRIBUTION;
import static io.keymgmt.http.routes.FunctionApp.PROVIDER_CONFIGURATION;
import static io.keymgmt.http.routes.FunctionApp.ROTATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keymgmt.http.routes.RouteGate.Decision;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate's decisions, one request at a time, for the aggregate server, a function app and other mounts. */
class RouteGateTest {

    private static final RouteGate AGGREGATE = Gates.gate("keymgmt", FunctionApp.values());

    @Test
    void aServedRouteAtItsResourcePathPassesUnchanged() {
        assertEquals(Decision.pass(ApiRole.READER), AGGREGATE.decide("GET", URI.create("/v1/keymgmt/key/payments")));
        assertEquals(Decision.pass(ApiRole.READER), AGGREGATE.decide("LIST", URI.create("/v1/keymgmt/kms")));
        assertEquals(Decision.pass(ApiRole.OPERATOR), AGGREGATE.decide("PUT", URI.create("/v1/keymgmt/kms/p/key/k")));
        assertEquals(Decision.pass(ApiRole.ADMIN), AGGREGATE.decide("DELETE", URI.create("/v1/keymgmt/kms/p")));
    }

    @Test
    void theListFormsOfVaultClientsAllList() {
        // The vault CLI adds a trailing slash; the resource paths have none.
        assertForwarded(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/key/?list=true")), "/v1/keymgmt/key?list=true");
        assertForwarded(AGGREGATE.decide("LIST", URI.create("/v1/keymgmt/key/p/kms/")), "/v1/keymgmt/key/p/kms");
        // Vault reads ?list with Go's ParseBool: hvac sends True, some send 1.
        for (String yes : List.of("true", "True", "TRUE", "1", "t")) {
            assertEquals(Decision.pass(ApiRole.READER), AGGREGATE.decide("GET", URI.create("/v1/keymgmt/kms?list=" + yes)), yes);
        }
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/kms?list=false")), 405,
                "unsupported operation: this path only lists; use LIST or GET with ?list=true");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/kms?list=maybe")), 400,
                "list must be a boolean (true or false), got \"maybe\"");
    }

    @Test
    void workflowActionsPassOnlyWhereTheirAppIsServedAndOnlyAsPost() {
        RouteGate deletion = Gates.gate("keymgmt", DELETION);
        RouteGate providers = Gates.gate("keymgmt", PROVIDER_CONFIGURATION);
        assertEquals(Decision.pass(ApiRole.OPERATOR), AGGREGATE.decide("POST", URI.create("/actions/rotate-key")));
        assertEquals(Decision.pass(ApiRole.ADMIN), deletion.decide("POST", URI.create("/actions/remove-key")));
        assertEquals(Decision.pass(ApiRole.READER), providers.decide("POST", URI.create("/actions/list-providers")));
        assertError(deletion.decide("POST", URI.create("/actions/rotate-key")), 404, "keymgmt-deletion does not serve "
                + "the action rotate-key; the keymgmt-key-distribution function app does");
        assertError(providers.decide("POST", URI.create("/actions/remove-key")), 404, "keymgmt-provider-configuration "
                + "does not serve the action remove-key; the keymgmt-deletion function app does");
        assertError(AGGREGATE.decide("GET", URI.create("/actions/rotate-key")), 405,
                "actions are called with POST and a JSON body");
        assertError(AGGREGATE.decide("POST", URI.create("/actions/rotate")), 404, "no action \"rotate\"; the actions "
                + "are rotate-key, distribute-key, remove-key, key-status, list-keys, list-providers, and "
                + "/actions/operations/{id} reads an operation");
        assertError(AGGREGATE.decide("POST", URI.create("/actions")), 404, "no action \"\"; the actions "
                + "are rotate-key, distribute-key, remove-key, key-status, list-keys, list-providers, and "
                + "/actions/operations/{id} reads an operation");
    }

    @Test
    void operationsAreReadWithGetFromTheAppsThatRecordThem() {
        String poll = "/actions/operations/0123456789abcdef0123456789abcdef";
        assertEquals(Decision.pass(ApiRole.READER), Gates.gate("keymgmt", KEY_DISTRIBUTION).decide("GET", URI.create(poll)));
        assertEquals(Decision.pass(ApiRole.READER), Gates.gate("keymgmt", DELETION).decide("GET", URI.create(poll)));
        assertError(Gates.gate("keymgmt", PROVIDER_CONFIGURATION).decide("GET", URI.create(poll)), 404,
                "keymgmt-provider-configuration records no operations; the function app that started the operation "
                + "answers for it");
        assertError(AGGREGATE.decide("DELETE", URI.create(poll)), 405, "an operation is read with GET");
        assertError(AGGREGATE.decide("GET", URI.create("/actions/operations/")), 404, "no action \"operations\"; "
                + "the actions are rotate-key, distribute-key, remove-key, key-status, list-keys, list-providers, and "
                + "/actions/operations/{id} reads an operation");
    }

    @Test
    void unknownPathsAndMountsAreVaultsNotFound() {
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/nothing/here")), 404, "unsupported path");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt")), 404, "unsupported path");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/nosuchmount/key")), 404,
                "no handler for route \"nosuchmount/key\". route entry not found.");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmtx/key")), 404,
                "no handler for route \"keymgmtx/key\". route entry not found.");
        assertError(AGGREGATE.decide("GET", URI.create("/v2/keymgmt/key")), 404,
                "no handler for route \"/v2/keymgmt/key\". route entry not found.");
        assertError(AGGREGATE.decide("GET", URI.create("/")), 404, "no handler for route \"/\". route entry not found.");
    }

    @Test
    void verbsAPathDoesNotTakeAre405() {
        assertError(AGGREGATE.decide("PATCH", URI.create("/v1/keymgmt/key/k")), 405, "unsupported operation");
        assertError(AGGREGATE.decide("DELETE", URI.create("/v1/keymgmt/key")), 405, "unsupported operation");
        assertError(AGGREGATE.decide("POST", URI.create("/v1/keymgmt/key/k/kms")), 405, "unsupported operation");
    }

    @Test
    void systemPathsPassWhateverTheMount() {
        RouteGate elsewhere = Gates.gate("azure-keys", FunctionApp.values());
        for (RouteGate gate : List.of(AGGREGATE, elsewhere)) {
            assertEquals(Decision.passOpen(), gate.decide("GET", URI.create(RouteGate.HEALTH)));
            assertEquals(Decision.pass(ApiRole.READER), gate.decide("GET", URI.create(RouteGate.OPENAPI + "?generic_mount_paths=true")));
        }
        assertError(AGGREGATE.decide("GET", URI.create("/v1/sys/mounts")), 404,
                "no handler for route \"sys/mounts\". route entry not found.");
    }

    @Test
    void anotherMountIsMappedOntoTheResourcesAndTheDefaultIsThenUnknown() {
        RouteGate gate = Gates.gate("azure-keys/team", FunctionApp.values());
        assertForwarded(gate.decide("GET", URI.create("/v1/azure-keys/team/key/payments")), "/v1/keymgmt/key/payments");
        assertForwarded(gate.decide("GET", URI.create("/v1/azure-keys/team/kms/?list=true&x=%20y")),
                "/v1/keymgmt/kms?list=true&x=%20y");
        assertForwarded(gate.decide("DELETE", URI.create("/v1/azure-keys/team/kms/p/key/k")), "/v1/keymgmt/kms/p/key/k");
        assertError(gate.decide("GET", URI.create("/v1/keymgmt/key/payments")), 404,
                "no handler for route \"keymgmt/key/payments\". route entry not found.");
        assertError(gate.decide("GET", URI.create("/v1/azure-keys/key/payments")), 404,
                "no handler for route \"azure-keys/key/payments\". route entry not found.");
        assertError(gate.decide("GET", URI.create("/v1/azure-keys/team/nothing")), 404, "unsupported path");
        // A mount that is itself the resources' root's name below another mount is still below the mount.
        RouteGate nested = Gates.gate("team/keymgmt", FunctionApp.values());
        assertForwarded(nested.decide("GET", URI.create("/v1/team/keymgmt/key/k")), "/v1/keymgmt/key/k");
        assertError(nested.decide("GET", URI.create("/v1/keymgmt/key/k")), 404,
                "no handler for route \"keymgmt/key/k\". route entry not found.");
    }

    @Test
    void aFunctionAppAnswersOtherAppsRoutesWithTheAppThatServesThem() {
        RouteGate deletion = Gates.gate("keymgmt", DELETION);
        assertEquals(Decision.pass(ApiRole.ADMIN), deletion.decide("DELETE", URI.create("/v1/keymgmt/key/k")));
        assertError(deletion.decide("GET", URI.create("/v1/keymgmt/key/k")), 404, "unsupported path: "
                + "keymgmt-deletion does not serve GET key/k; the keymgmt-key-distribution function app does");
        assertError(deletion.decide("POST", URI.create("/v1/keymgmt/kms/p")), 404, "unsupported path: "
                + "keymgmt-deletion does not serve POST kms/p; the keymgmt-provider-configuration function app does");
        // Rotation serves no HTTP route at all.
        assertError(Gates.gate("keymgmt", ROTATION).decide("LIST", URI.create("/v1/keymgmt/key")), 404,
                "the keymgmt-key-distribution function app does");
    }

    @Test
    void helpIsAnsweredByTheGateForAnyVerbOnAPathThisProcessServes() {
        for (String method : List.of("GET", "POST", "LIST", "DELETE")) {
            Response help = AGGREGATE.decide(method, URI.create("/v1/keymgmt/key/payments?help=1")).answer()
                    .orElseThrow();
            assertEquals(200, help.getStatus(), method);
            assertTrue(Gates.body(help).get("help").asText().startsWith("Request:        key/payments\n"), method);
        }
        // The list path takes GET only with ?list=true, but help is help.
        assertEquals(200, AGGREGATE.decide("GET", URI.create("/v1/keymgmt/key/?help=1")).answer().orElseThrow()
                .getStatus());
        assertEquals(200, AGGREGATE.decide("HELP", URI.create("/v1/keymgmt/kms/p")).answer().orElseThrow().getStatus());
        // Vault's test is a non-empty help parameter: a bare ?help is a read.
        assertEquals(Decision.pass(ApiRole.READER), AGGREGATE.decide("GET", URI.create("/v1/keymgmt/key/payments?help")));
        assertEquals(200, Gates.gate("team/keys", KEY_DISTRIBUTION)
                .decide("GET", URI.create("/v1/team/keys/kms/p/key/k?help=true")).answer().orElseThrow().getStatus());
    }

    @Test
    void helpOnAnUnknownPathOrMountIsVaultsNotFound() {
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/nothing?help=1")), 404, "unsupported path");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/keymgmt/key/a/b/c?help=1")), 404, "unsupported path");
        assertError(AGGREGATE.decide("GET", URI.create("/v1/nosuchmount/key?help=1")), 404,
                "no handler for route \"nosuchmount/key\". route entry not found.");
        assertError(Gates.gate("keymgmt", PROVIDER_CONFIGURATION).decide("GET", URI.create("/v1/keymgmt/key/k?help=1")),
                404, "unsupported path: keymgmt-provider-configuration serves nothing on key/k; the "
                        + "keymgmt-key-distribution and keymgmt-deletion function apps do");
    }

    @Test
    void aMountPathThatIsNoPathStopsStartUp() {
        for (String bad : List.of("", "/keymgmt", "keymgmt/", "sys", "sys/keys", "a//b", "key mgmt")) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> Gates.gate(bad, DELETION), bad);
            assertTrue(e.getMessage().startsWith("keymgmt.api.mount-path (KEYMGMT_API_MOUNT_PATH) must be"), bad);
        }
    }

    private static void assertForwarded(Decision decision, String uri) {
        assertEquals(Optional.empty(), decision.answer());
        assertEquals(Optional.of(URI.create(uri)), decision.forward());
        assertTrue(decision.requires().isPresent(), "a forwarded route needs a role");
    }

    private static void assertError(Decision decision, int status, String message) {
        Response response = decision.answer().orElseThrow(() -> new AssertionError("passed, expected " + status));
        assertEquals(status, response.getStatus());
        JsonNode errors = Gates.body(response).get("errors");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).asText().contains(message), errors.get(0).asText());
    }
}
