package io.keymgmt.http.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.WorkflowAction;
import io.keymgmt.http.routes.WorkflowActions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Logic Apps custom connector's definition (infra/logic-apps/keymgmt-connector.swagger.json) says
 * what the code serves: every operation in it is an action of the catalog with the same fields, types,
 * required fields and allowed values, and every action of the catalog is in it. What a connector needs
 * to import is there too: Swagger 2.0, a security definition for the header the API reads, a summary
 * and an x-ms-summary for everything a workflow author sees.
 */
class ConnectorDefinitionTest {

    static final Path DEFINITION = Path.of("../../infra/logic-apps/keymgmt-connector.swagger.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode definition() throws IOException {
        return JSON.readTree(Files.readString(DEFINITION));
    }

    @Test
    void itIsSwagger2WithTheApiTokenAsItsSecurityAndTheActionsAsItsBase() throws IOException {
        JsonNode doc = definition();
        assertEquals("2.0", doc.path("swagger").asText(), "Logic Apps custom connectors take OpenAPI 2.0 only");
        assertEquals(WorkflowActions.ROOT, doc.path("basePath").asText());
        assertTrue(Files.size(DEFINITION) < 1_000_000, "a connector definition must stay under 1 MB");
        JsonNode security = doc.path("securityDefinitions").path("vaultToken");
        assertEquals("apiKey", security.path("type").asText());
        assertEquals("header", security.path("in").asText());
        assertEquals("X-Vault-Token", security.path("name").asText(), "the header TokenFilter reads");
        assertTrue(doc.path("security").get(0).has("vaultToken"));
    }

    @Test
    void everyOperationInItIsAnActionWithTheSameFieldsAndEveryActionIsInIt() throws IOException {
        JsonNode paths = definition().path("paths");
        Set<String> documented = new TreeSet<>();
        paths.fieldNames().forEachRemaining(documented::add);
        Set<String> served = new TreeSet<>();
        WorkflowActions.all().forEach(a -> served.add("/" + a.name()));
        served.add(WorkflowActions.OPERATIONS.substring(WorkflowActions.ROOT.length()) + "/{id}");
        assertEquals(served, documented);

        for (WorkflowAction action : WorkflowActions.all()) {
            JsonNode post = paths.path("/" + action.name()).path("post");
            assertFalse(post.isMissingNode(), action.name() + " is a POST");
            assertEquals(1, paths.path("/" + action.name()).size(), action.name() + " takes POST only");
            assertEquals(action.summary().isEmpty(), post.path("summary").asText().isEmpty());
            assertFalse(post.path("operationId").asText().isEmpty(), action.name());
            JsonNode body = parameter(post, "body").path("schema");
            assertEquals(action.fields().stream().map(Route.Parameter::name).sorted().toList(),
                    sorted(body.path("properties").fieldNames()), action.name() + ": the body's fields");
            List<String> required = new ArrayList<>();
            body.path("required").forEach(r -> required.add(r.asText()));
            assertEquals(action.fields().stream().filter(Route.Parameter::required).map(Route.Parameter::name)
                    .sorted().toList(), required.stream().sorted().toList(), action.name() + ": required fields");
            for (Route.Parameter field : action.fields()) {
                JsonNode property = body.path("properties").path(field.name());
                assertEquals(field.type(), property.path("type").asText(), action.name() + "." + field.name());
                assertFalse(property.path("x-ms-summary").asText().isEmpty(), action.name() + "." + field.name());
                JsonNode allowed = property.path("type").asText().equals("array") ? property.path("items").path("enum")
                        : property.path("enum");
                List<String> values = new ArrayList<>();
                allowed.forEach(v -> values.add(v.asText()));
                assertEquals(field.allowedValues(), values, action.name() + "." + field.name() + ": allowed values");
                assertEquals(field.defaultValue().orElse(""), property.path("default").asText(""),
                        action.name() + "." + field.name() + ": default");
            }
            JsonNode idempotency = parameter(post, "Idempotency-Key");
            assertEquals(action.longRunning(), !idempotency.isMissingNode(), action.name() + ": Idempotency-Key");
            assertEquals(action.longRunning(), post.path("responses").has("202"), action.name() + ": 202");
            if (action.longRunning()) {
                assertEquals("header", idempotency.path("in").asText());
                assertTrue(post.path("responses").path("202").path("headers").has("Location"));
                assertTrue(post.path("responses").path("202").path("headers").has("Retry-After"));
                assertTrue(post.path("responses").has("422"), "a reused Idempotency-Key is a 422");
            }
        }
        JsonNode poll = paths.path("/operations/{id}").path("get");
        assertEquals("internal", poll.path("x-ms-visibility").asText(), "polling is the engine's, not the author's");
        assertTrue(poll.path("responses").has("410"), "an expired operation");
    }

    @Test
    void everyParameterAndPropertyHasATitleForTheDesigner() throws IOException {
        List<String> untitled = new ArrayList<>();
        walk(definition(), "", untitled);
        assertEquals(List.of(), untitled);
    }

    /** Every property of a schema and every non-body parameter has x-ms-summary. */
    private static void walk(JsonNode node, String at, List<String> untitled) {
        if (node.isObject()) {
            JsonNode properties = node.path("properties");
            if (properties.isObject()) {
                properties.fields().forEachRemaining(p -> {
                    if (!p.getValue().has("x-ms-summary")) {
                        untitled.add(at + "/properties/" + p.getKey());
                    }
                });
            }
            boolean parameter = node.has("in") && node.has("name") && !node.path("type").asText().equals("apiKey");
            if (parameter && !node.path("in").asText().equals("body") && !node.has("x-ms-summary")) {
                untitled.add(at);
            }
            node.fields().forEachRemaining(f -> walk(f.getValue(), at + "/" + f.getKey(), untitled));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, untitled);
            }
        }
    }

    private static JsonNode parameter(JsonNode operation, String name) {
        for (JsonNode p : operation.path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static List<String> sorted(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        list.sort(null);
        return list;
    }
}
