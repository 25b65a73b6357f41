package io.keymgmt.server;

import static io.keymgmt.server.Api.read;
import static io.keymgmt.server.Api.unique;
import static io.keymgmt.server.Api.write;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.routes.FieldType;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Vault's OpenAPI document of the mount, GET /v1/sys/internal/specs/openapi, as the aggregate server
 * serves it: valid OpenAPI 3 to a real parser, every operation in it routed by the server, every route
 * the server serves in it with its parameters and types, and every read's data exactly as described.
 */
@QuarkusTest
@QuarkusTestResource(LocalStackResource.class)
class OpenApiTest {

    static final String DOCUMENT = "/v1/sys/internal/specs/openapi";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentIsValidOpenApiServedRawLikeVaultsAndNeedsAToken() throws Exception {
        Response response = Api.call().header("X-Vault-Request", "true").get(DOCUMENT);
        response.then().statusCode(200).contentType("application/json");
        JsonNode raw = JSON.readTree(response.asString());
        assertEquals("3.0.2", raw.get("openapi").asText());
        // Raw, as Vault's handler returns it: not inside the read envelope.
        assertFalse(raw.has("data") || raw.has("request_id"), "enveloped: " + raw.fieldNames());
        OpenAPI doc = parse(response.asString());
        assertEquals(8, doc.getPaths().size());
        assertTrue(doc.getPaths().keySet().stream().allMatch(p -> p.startsWith("/keymgmt/")),
                String.valueOf(doc.getPaths().keySet()));

        given().get(DOCUMENT).then().statusCode(403).body("errors", equalTo(List.of("permission denied")));
        OpenAPI generic = parse(Api.call().get(DOCUMENT + "?generic_mount_paths=true").then().statusCode(200)
                .extract().asString());
        assertTrue(generic.getPaths().keySet().stream().allMatch(p -> p.startsWith("/{keymgmt_mount_path}/")));
        Api.call().get(DOCUMENT + "?generic_mount_paths=maybe").then().statusCode(400)
                .body("errors", equalTo(List.of("generic_mount_paths must be a boolean (true or false), got \"maybe\"")));
        Api.call().body("{}").post(DOCUMENT).then().statusCode(405).body("errors", equalTo(List.of("unsupported operation")));
    }

    @Test
    void everyOperationInTheDocumentIsRoutedByTheServer() {
        OpenAPI doc = parse(Api.call().get(DOCUMENT).asString());
        int called = 0;
        for (Map.Entry<String, PathItem> path : doc.getPaths().entrySet()) {
            for (Map.Entry<HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
                // Names nobody else uses: the calls create, read or delete only these.
                String url = "/v1" + path.getKey().replace("{name}", unique("oa")).replace("{key_name}", unique("oa"));
                boolean lists = op.getValue().getParameters() != null && op.getValue().getParameters().stream()
                        .anyMatch(p -> p.getName().equals("list") && "query".equals(p.getIn()));
                if (lists) {
                    url += "?list=true";
                }
                String method = op.getKey().name();
                RequestSpecification request = Api.call();
                if (method.equals("POST")) {
                    request.contentType("application/json").body("{}");
                }
                Response response = request.request(method, url);
                String context = method + " " + url + " -> " + response.statusCode() + " " + response.asString();
                assertTrue(response.statusCode() != 405, context);
                List<String> errors = response.statusCode() == 404 ? response.jsonPath().getList("errors") : List.of();
                assertTrue(errors.stream().noneMatch(e -> e.startsWith("unsupported path")
                        || e.startsWith("no handler for route")), context);
                called++;
            }
        }
        assertEquals(Routes.all().size(), called);
    }

    @Test
    void everyRouteTheServerServesIsInTheDocumentWithItsParametersAndTypes() {
        OpenAPI doc = parse(Api.call().get(DOCUMENT).asString());
        Set<String> operationIds = new TreeSet<>();
        for (Route route : Routes.servedBy(EnumSet.allOf(FunctionApp.class))) {
            String key = "/keymgmt/" + route.template() + (route.verb() == Verb.LIST ? "/" : "");
            PathItem item = doc.getPaths().get(key);
            assertNotNull(item, key);
            Operation op = item.readOperationsMap().get(route.verb() == Verb.WRITE ? HttpMethod.POST
                    : route.verb() == Verb.DELETE ? HttpMethod.DELETE : HttpMethod.GET);
            assertNotNull(op, route.verb() + " " + key);
            assertEquals(route.summary(), op.getSummary());
            assertTrue(operationIds.add(op.getOperationId()), op.getOperationId());
            // Vault declares path parameters on the path item; the resolved model may carry them on the operation.
            List<io.swagger.v3.oas.models.parameters.Parameter> declared = new ArrayList<>();
            Stream.of(item.getParameters(), op.getParameters()).filter(Objects::nonNull).forEach(declared::addAll);
            assertEquals(Set.copyOf(route.pathParameters()), declared.stream().filter(p -> p.getIn().equals("path"))
                    .map(io.swagger.v3.oas.models.parameters.Parameter::getName).collect(Collectors.toSet()), key);
            if (route.parameters().isEmpty()) {
                assertTrue(op.getRequestBody() == null, key);
                continue;
            }
            Schema<?> body = op.getRequestBody().getContent().get("application/json").getSchema();
            assertEquals(new TreeSet<>(route.parameters().stream().map(Parameter::name).toList()),
                    new TreeSet<>(body.getProperties().keySet()), key);
            for (Parameter p : route.parameters()) {
                Schema<?> property = body.getProperties().get(p.name());
                assertEquals(p.type(), property.getType(), p.name());
                assertEquals(p.description(), property.getDescription(), p.name());
                assertEquals(p.required(), body.getRequired() != null && body.getRequired().contains(p.name()), p.name());
                if (p.fieldType() == FieldType.COMMA_STRING_SLICE) {
                    assertEquals("string", property.getItems().getType(), p.name());
                }
                if (!p.allowedValues().isEmpty()) {
                    Schema<?> values = p.fieldType() == FieldType.COMMA_STRING_SLICE ? property.getItems() : property;
                    assertEquals(p.allowedValues(), values.getEnum().stream().map(String::valueOf).toList(), p.name());
                }
            }
        }
        assertEquals(Routes.all().size(), operationIds.size());
    }

    @Test
    void everyReadReturnsExactlyTheDataItsSchemaDescribes() throws Exception {
        OpenAPI doc = parse(Api.call().get(DOCUMENT).asString());
        String provider = unique("oa-p");
        String key = unique("oa-k");
        Api.managedIdentityProvider(provider, LocalKeyVaults.DEMO_VAULTS.get(0));
        write("/v1/keymgmt/key/" + key, "{}").then().statusCode(204);
        write("/v1/keymgmt/kms/" + provider + "/key/" + key, "{\"purpose\":\"sign\",\"protection\":\"software\"}")
                .then().statusCode(204);
        Map<String, String> reads = Map.of(
                "/keymgmt/key/{name}", "/v1/keymgmt/key/" + key,
                "/keymgmt/kms/{name}", "/v1/keymgmt/kms/" + provider,
                "/keymgmt/kms/{name}/key/{key_name}", "/v1/keymgmt/kms/" + provider + "/key/" + key);
        assertEquals(Routes.all().stream().filter(r -> r.verb() == Verb.READ).count(), reads.size());
        for (Map.Entry<String, String> read : reads.entrySet()) {
            JsonNode data = JSON.readTree(read(read.getValue()).then().statusCode(200).extract().asString()).get("data");
            Schema<?> schema = doc.getPaths().get(read.getKey()).getGet().getResponses().get("200").getContent()
                    .get("application/json").getSchema();
            assertMatches(schema, data, read.getKey());
        }
        Api.call().delete("/v1/keymgmt/kms/" + provider + "/key/" + key).then().statusCode(204);
    }

    /** The JSON has exactly the schema's properties, each of its type (null only where nullable). */
    private static void assertMatches(Schema<?> schema, JsonNode object, String where) {
        assertEquals(new TreeSet<>(schema.getProperties().keySet()), new TreeSet<>(iterable(object.fieldNames())), where);
        for (Map.Entry<String, Schema> property : schema.getProperties().entrySet()) {
            JsonNode value = object.get(property.getKey());
            String context = where + " " + property.getKey() + " = " + value;
            if (value.isNull()) {
                assertTrue(Boolean.TRUE.equals(property.getValue().getNullable()), context);
                continue;
            }
            assertEquals(property.getValue().getType(), jsonType(value), context);
            if (property.getValue().getAdditionalProperties() instanceof Schema<?> entries) {
                assertFalse(value.isEmpty(), context);
                for (JsonNode entry : value) {
                    if (entries.getProperties() == null) {
                        assertEquals(entries.getType(), jsonType(entry), context);
                    } else {
                        assertMatches(entries, entry, where + " " + property.getKey());
                    }
                }
            }
        }
    }

    private static String jsonType(JsonNode value) {
        return value.isTextual() ? "string" : value.isIntegralNumber() ? "integer" : value.isBoolean() ? "boolean"
                : value.isObject() ? "object" : value.isArray() ? "array" : value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** A real OpenAPI 3 parser, references resolved into the model; it must have nothing to say. */
    static OpenAPI parse(String document) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document, null, options);
        assertEquals(List.of(), result.getMessages() == null ? List.of() : result.getMessages());
        assertNotNull(result.getOpenAPI());
        return result.getOpenAPI();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
