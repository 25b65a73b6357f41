package io.keymgmt.http.help;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.http.vault.VaultResponses;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document built from the catalog: a function app's holds exactly its own routes, every
 * document is valid OpenAPI 3 to a real parser, and its shape is Vault's where tools rely on it.
 */
class OpenApiDocumentTest {

    @Test
    void aFunctionAppsDocumentHoldsExactlyItsOwnRoutes() {
        for (FunctionApp app : FunctionApp.values()) {
            List<Route> routes = Routes.servedBy(EnumSet.of(app));
            ObjectNode doc = OpenApiDocument.of(routes, "keymgmt", false, "1.2.3");
            Set<String> expected = new TreeSet<>();
            for (Route route : routes) {
                expected.add(OpenApiDocument.method(route.verb()) + " /keymgmt/" + route.template()
                        + (route.verb() == Verb.LIST ? "/" : "") + " " + OperationIds.of(route));
            }
            assertEquals(expected, operations(doc), app.id());
            assertEquals(app == FunctionApp.ROTATION, doc.get("paths").isEmpty(), app.id());
            assertValid(doc, app.id());
        }
    }

    @Test
    void theAggregateDocumentIsTheAppsTogether() {
        Set<String> union = new TreeSet<>();
        for (FunctionApp app : FunctionApp.values()) {
            union.addAll(operations(OpenApiDocument.of(Routes.servedBy(EnumSet.of(app)), "keymgmt", false, "1")));
        }
        ObjectNode all = OpenApiDocument.of(Routes.servedBy(EnumSet.allOf(FunctionApp.class)), "keymgmt", false, "1");
        assertEquals(union, operations(all));
        assertEquals(Routes.all().size(), union.size());
        assertValid(all, "aggregate");
    }

    @Test
    void listsAreGetsOnThePathWithASlashAndARequiredListParameter() {
        JsonNode paths = OpenApiDocument.of(Routes.all(), "keymgmt", false, "1").get("paths");
        JsonNode list = paths.get("/keymgmt/key/").get("get");
        assertEquals("keymgmt-list-key", list.get("operationId").asText());
        JsonNode parameter = list.get("parameters").get(0);
        assertEquals("list", parameter.get("name").asText());
        assertEquals("query", parameter.get("in").asText());
        assertTrue(parameter.get("required").asBoolean());
        assertEquals("[\"true\"]", parameter.get("schema").get("enum").toString());
        assertEquals("#/components/schemas/StandardListResponse",
                list.get("responses").get("200").get("content").get("application/json").get("schema").get("$ref").asText());
        // A path that only lists has no item without the slash, as in Vault.
        assertFalse(paths.has("/keymgmt/key"));
        assertFalse(paths.has("/keymgmt/key/{name}/kms"));
    }

    @Test
    void everyWriteHasItsBodyParametersWithTheirTypes() {
        ObjectNode doc = OpenApiDocument.of(Routes.all(), "keymgmt", false, "1");
        JsonNode schemas = doc.get("components").get("schemas");
        for (Route route : Routes.all()) {
            JsonNode op = doc.get("paths").get("/keymgmt/" + route.template() + (route.verb() == Verb.LIST ? "/" : ""))
                    .get(OpenApiDocument.method(route.verb()));
            if (route.parameters().isEmpty()) {
                assertFalse(op.has("requestBody"), route.toString());
                continue;
            }
            String ref = op.get("requestBody").get("content").get("application/json").get("schema").get("$ref").asText();
            JsonNode schema = schemas.get(ref.substring("#/components/schemas/".length()));
            assertEquals(route.parameters().size(), schema.get("properties").size(), route.toString());
            List<String> required = new ArrayList<>();
            for (Parameter p : route.parameters()) {
                JsonNode property = schema.get("properties").get(p.name());
                assertEquals(p.type(), property.get("type").asText(), p.name());
                assertEquals(p.description(), property.get("description").asText(), p.name());
                if (p.required()) {
                    required.add(p.name());
                }
            }
            assertEquals(required.stream().sorted().toList(), names(schema.path("required")), route.toString());
        }
        JsonNode key = schemas.get("KeymgmtWriteKeyNameRequest").get("properties");
        assertEquals("{\"type\":\"integer\",\"description\":\"The oldest version that stays enabled in the vaults and "
                + "readable here; 0 means all.\",\"default\":0}", key.get("min_enabled_version").toString());
        assertEquals("[\"rsa-2048\",\"rsa-3072\",\"rsa-4096\"]", key.get("type").get("enum").toString());
        JsonNode credentials = schemas.get("KeymgmtWriteKmsNameRequest").get("properties").get("credentials");
        assertEquals("object", credentials.get("type").asText());
        assertEquals("kvpairs", credentials.get("format").asText());
        JsonNode purpose = schemas.get("KeymgmtWriteKmsNameKeyKey_nameRequest").get("properties").get("purpose");
        assertEquals("array", purpose.get("type").asText());
        assertEquals("string", purpose.get("items").get("type").asText());
    }

    @Test
    void readsDescribeTheirDataAndEveryFailureHasVaultsErrorShape() {
        ObjectNode doc = OpenApiDocument.of(Routes.all(), "keymgmt", false, "1");
        JsonNode read = doc.get("paths").get("/keymgmt/kms/{name}/key/{key_name}").get("get");
        assertEquals("#/components/schemas/KeymgmtReadKmsNameKeyKey_nameResponse",
                read.get("responses").get("200").get("content").get("application/json").get("schema").get("$ref").asText());
        JsonNode data = doc.get("components").get("schemas").get("KeymgmtReadKmsNameKeyKey_nameResponse").get("properties");
        assertEquals(List.of("last_error", "name", "protection", "purpose", "state", "versions"), names(data));
        assertTrue(data.get("last_error").get("nullable").asBoolean());
        assertEquals("string", data.get("versions").get("additionalProperties").get("type").asText());
        JsonNode versions = doc.get("components").get("schemas").get("KeymgmtReadKeyNameResponse").get("properties")
                .get("versions").get("additionalProperties").get("properties");
        assertEquals("date-time", versions.get("creation_time").get("format").asText());
        for (Iterator<JsonNode> items = doc.get("paths").elements(); items.hasNext(); ) {
            JsonNode item = items.next();
            for (String method : List.of("get", "post", "delete")) {
                if (!item.has(method)) {
                    continue;
                }
                JsonNode responses = item.get(method).get("responses");
                for (String status : List.of("403", "502", "503")) {
                    assertEquals("#/components/schemas/StandardErrorResponse", responses.get(status).get("content")
                            .get("application/json").get("schema").get("$ref").asText(), method + " " + status);
                }
            }
        }
        JsonNode write = doc.get("paths").get("/keymgmt/key/{name}/rotate").get("post").get("responses");
        assertEquals("empty body", write.get("204").get("description").asText());
        assertTrue(write.get("200").get("description").asText().contains("warnings"));
        assertEquals(List.of("200", "204", "400", "403", "404", "409", "413", "502", "503"), names(write));
    }

    @Test
    void operationIdsAreUniqueAndTheSameWhereverTheEngineIsMounted() {
        Set<String> ids = new HashSet<>();
        for (Route route : Routes.all()) {
            assertTrue(ids.add(OperationIds.of(route)), OperationIds.of(route));
        }
        assertEquals("keymgmt-write-kms-name-key-key_name",
                OperationIds.of(Routes.find(Verb.WRITE, List.of("kms", "p", "key", "k")).orElseThrow()));
        Set<String> here = idsOf(OpenApiDocument.of(Routes.all(), "keymgmt", false, "1"));
        assertEquals(ids, here);
        assertEquals(here, idsOf(OpenApiDocument.of(Routes.all(), "team/azure-keys", false, "1")));
        assertEquals(here, idsOf(OpenApiDocument.of(Routes.all(), "team/azure-keys", true, "1")));
    }

    @Test
    void genericMountPathsMakeTheMountAPathParameter() {
        ObjectNode doc = OpenApiDocument.of(Routes.all(), "azure-keys", true, "1");
        for (Iterator<String> keys = doc.get("paths").fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            assertTrue(key.startsWith("/{keymgmt_mount_path}/"), key);
            JsonNode mount = null;
            for (JsonNode p : doc.get("paths").get(key).get("parameters")) {
                if (p.get("name").asText().equals("keymgmt_mount_path")) {
                    mount = p;
                }
            }
            assertEquals("{\"name\":\"keymgmt_mount_path\",\"description\":\"Path that the backend was mounted at\","
                    + "\"in\":\"path\",\"schema\":{\"type\":\"string\",\"default\":\"azure-keys\"},\"required\":true}",
                    String.valueOf(mount), key);
        }
        assertValid(doc, "generic");
        assertTrue(OpenApiDocument.of(Routes.all(), "azure-keys", false, "1").get("paths").has("/azure-keys/kms/{name}"));
    }

    @Test
    void theHeaderIsOpenApi302WithTheVersionGiven() {
        ObjectNode doc = OpenApiDocument.of(Routes.all(), "keymgmt", false, "9.8.7");
        assertEquals("3.0.2", doc.get("openapi").asText());
        assertEquals("9.8.7", doc.get("info").get("version").asText());
        assertEquals(List.of("openapi", "info", "paths", "components"), names(doc));
    }

    /** Parses as the server test does: a real OpenAPI 3 parser, resolving references, with no complaint. */
    static void assertValid(ObjectNode doc, String what) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(VaultResponses.text(doc), null, options);
        assertEquals(List.of(), result.getMessages() == null ? List.of() : result.getMessages(), what);
        assertTrue(result.getOpenAPI() != null, what);
    }

    private static Set<String> operations(JsonNode doc) {
        Set<String> found = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (List.of("get", "post", "delete").contains(op.getKey())) {
                found.add(op.getKey() + " " + path.getKey() + " " + op.getValue().get("operationId").asText());
            }
        }));
        return found;
    }

    private static Set<String> idsOf(JsonNode doc) {
        Set<String> ids = new HashSet<>();
        operations(doc).forEach(op -> ids.add(op.substring(op.lastIndexOf(' ') + 1)));
        return ids;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asText()));
        } else {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
