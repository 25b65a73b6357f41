package io.keymgmt.http.help;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.routes.FieldType;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Route.Field;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.http.routes.RoutePath;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import io.keymgmt.http.vault.VaultResponses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3 description of a set of routes, in the shape Vault gives its own mounts
 * (sdk/framework/openapi.go): one path item per path with the path's synopsis and parameters, a
 * {@code get}, {@code post} or {@code delete} per operation (PUT is POST, as in Vault), and each
 * list as GET on the path with a trailing slash and a required {@code list=true}. Request and read
 * schemas are components named after the operation ids; a read's schema is its {@code data}, as in
 * Vault. Built from the route catalog only, so it describes what the process serves.
 */
public final class OpenApiDocument {

    public static final String OPENAPI_VERSION = "3.0.2";
    /** Vault tags a secrets engine's operations so. */
    private static final String TAG = "secrets";
    /** Vault's name for the mount's path parameter in a document with generic mount paths. */
    static final String MOUNT_PARAMETER = OperationIds.PREFIX + "_mount_path";
    private static final String LIST_SCHEMA = "StandardListResponse";
    private static final String ERROR_SCHEMA = "StandardErrorResponse";
    /** The methods of a path item, in the order Vault writes them. */
    private static final List<String> METHODS = List.of("get", "post", "delete");

    private OpenApiDocument() {
    }

    /**
     * The document of the routes under the mount.
     *
     * @param mount where the engine is mounted ({@code keymgmt}, {@code team/keys}); empty for paths
     *              relative to the mount, as in a path's help
     * @param genericMountPath whether the mount is the path parameter {@code {keymgmt_mount_path}}, as
     *                         Vault writes with {@code generic_mount_paths=true}
     */
    public static ObjectNode of(List<Route> routes, String mount, boolean genericMountPath, String version) {
        ObjectNode doc = VaultResponses.object();
        doc.put("openapi", OPENAPI_VERSION);
        ObjectNode info = doc.putObject("info");
        info.put("title", "keymgmt for Azure Key Vault");
        info.put("description", "Vault's Key Management secrets engine API (keymgmt/) for Azure Key Vault. All API "
                + "routes are prefixed with `/v1/`. Authenticate with the X-Vault-Token header (or Authorization: "
                + "Bearer). PUT is the same as POST; LIST is GET with ?list=true. Reads answer in Vault's envelope, "
                + "the schemas here being its `data`; errors are {\"errors\": [...]}.");
        info.put("version", version);

        String root = mount.isEmpty() ? "/" : "/" + (genericMountPath ? "{" + MOUNT_PARAMETER + "}" : mount) + "/";
        Map<String, ObjectNode> paths = new TreeMap<>();
        Map<String, ObjectNode> schemas = new TreeMap<>();
        Map<String, Map<String, ObjectNode>> operations = new TreeMap<>();
        for (Route route : routes) {
            RoutePath described = Routes.path(route.template());
            String key = root + route.template() + (route.verb() == Verb.LIST ? "/" : "");
            paths.computeIfAbsent(key, k -> pathItem(described, genericMountPath ? mount : null));
            operations.computeIfAbsent(key, k -> new TreeMap<>(Comparator.comparing(METHODS::indexOf)))
                    .put(method(route.verb()), operation(route, schemas));
        }
        operations.forEach((key, byMethod) -> byMethod.forEach(paths.get(key)::set));
        if (routes.stream().anyMatch(r -> r.verb() == Verb.LIST)) {
            schemas.put(LIST_SCHEMA, listSchema());
        }
        if (!routes.isEmpty()) {
            schemas.put(ERROR_SCHEMA, errorSchema());
        }
        ObjectNode pathsNode = doc.putObject("paths");
        paths.forEach(pathsNode::set);
        ObjectNode schemasNode = doc.putObject("components").putObject("schemas");
        schemas.forEach(schemasNode::set);
        return doc;
    }

    /** The HTTP method Vault's document gives a verb: GET for reads and lists, POST for writes. */
    static String method(Verb verb) {
        return switch (verb) {
            case READ, LIST -> "get";
            case WRITE -> "post";
            case DELETE -> "delete";
        };
    }

    /** @param genericMount the mount, when the path has the mount parameter; else null */
    private static ObjectNode pathItem(RoutePath path, String genericMount) {
        ObjectNode item = VaultResponses.object();
        item.put("description", path.synopsis());
        List<Parameter> parameters = new ArrayList<>(path.pathParameters());
        parameters.sort(Comparator.comparing(Parameter::name));
        if (!parameters.isEmpty() || genericMount != null) {
            ArrayNode array = item.putArray("parameters");
            for (Parameter p : parameters) {
                ObjectNode parameter = array.addObject();
                parameter.put("name", p.name());
                parameter.put("description", p.description());
                parameter.put("in", "path");
                parameter.putObject("schema").put("type", p.type());
                parameter.put("required", true);
            }
            if (genericMount != null) {
                ObjectNode parameter = array.addObject();
                parameter.put("name", MOUNT_PARAMETER);
                parameter.put("description", "Path that the backend was mounted at");
                parameter.put("in", "path");
                parameter.putObject("schema").put("type", "string").put("default", genericMount);
                parameter.put("required", true);
            }
        }
        return item;
    }

    private static ObjectNode operation(Route route, Map<String, ObjectNode> schemas) {
        String id = OperationIds.of(route);
        ObjectNode op = VaultResponses.object();
        op.put("summary", route.summary());
        op.put("operationId", id);
        op.putArray("tags").add(TAG);
        if (route.verb() == Verb.LIST) {
            ObjectNode list = op.putArray("parameters").addObject();
            list.put("name", "list");
            list.put("description", "Must be set to `true`");
            list.put("in", "query");
            list.putObject("schema").put("type", "string").putArray("enum").add("true");
            list.put("required", true);
        }
        if (!route.parameters().isEmpty()) {
            String name = OperationIds.titleCase(id) + "Request";
            schemas.put(name, requestSchema(route.parameters()));
            ObjectNode body = op.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", "#/components/schemas/" + name);
        }
        Map<String, ObjectNode> responses = new TreeMap<>();
        switch (route.verb()) {
            case READ -> {
                String name = OperationIds.titleCase(id) + "Response";
                schemas.put(name, dataSchema(route.response()));
                responses.put("200", withSchema("OK: the object is the `data` of Vault's response envelope", name));
                errors(responses, Map.of("400", "the name is not valid", "404", "no such object"));
            }
            case LIST -> {
                responses.put("200", withSchema("OK: the list is the `data` of Vault's response envelope",
                        LIST_SCHEMA));
                errors(responses, Map.of("404", "nothing to list: as in Vault, an empty list is 404 with an empty "
                        + "errors list"));
            }
            case WRITE -> {
                responses.put("204", description("empty body"));
                responses.put("200", description("OK, but some parameters were not recognised and were ignored: "
                        + "Vault's response envelope with data null and warnings naming them"));
                errors(responses, Map.of(
                        "400", "bad input or a broken rule, such as a setting that cannot change; nothing was written",
                        "404", "the key or provider the request names does not exist",
                        "409", "the request conflicts with the current state, here or in Azure",
                        "413", "the request body is larger than the API accepts"));
            }
            case DELETE -> {
                responses.put("204", description("empty body: deleted, or there was nothing to delete"));
                errors(responses, Map.of(
                        "400", "not allowed now: the key does not allow deletion or is still distributed, or the "
                                + "provider still holds keys",
                        "409", "the request conflicts with the current state, here or in Azure"));
            }
            default -> throw new IllegalStateException("no responses for " + route.verb());
        }
        ObjectNode responsesNode = op.putObject("responses");
        responses.forEach(responsesNode::set);
        return op;
    }

    /** The failures every operation can meet, and the ones particular to it. */
    private static void errors(Map<String, ObjectNode> responses, Map<String, String> particular) {
        Map<String, String> all = new LinkedHashMap<>(particular);
        all.put("403", "no or a wrong token, or Azure refused the configured identity (the message names the "
                + "missing permission)");
        all.put("502", "Azure, Table Storage or the sealing key failed");
        all.put("503", "Azure throttled (see Retry-After) or Table Storage is unavailable; retrying later can work");
        all.forEach((status, why) -> responses.put(status, withSchema(why, ERROR_SCHEMA)));
    }

    private static ObjectNode requestSchema(List<Parameter> parameters) {
        ObjectNode schema = VaultResponses.object();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        List<String> required = new ArrayList<>();
        for (Parameter p : parameters.stream().sorted(Comparator.comparing(Parameter::name)).toList()) {
            ObjectNode property = typed(p.fieldType());
            property.put("description", p.description());
            if (!p.allowedValues().isEmpty()) {
                ArrayNode values = (p.fieldType().openApiItems().isPresent()
                        ? (ObjectNode) property.get("items") : property).putArray("enum");
                p.allowedValues().forEach(values::add);
            }
            p.defaultValue().ifPresent(value -> {
                switch (p.fieldType()) {
                    case INT -> property.put("default", Integer.parseInt(value));
                    case BOOL -> property.put("default", Boolean.parseBoolean(value));
                    default -> property.put("default", value);
                }
            });
            properties.set(p.name(), property);
            if (p.required()) {
                required.add(p.name());
            }
        }
        if (!required.isEmpty()) {
            ArrayNode array = schema.putArray("required");
            required.forEach(array::add);
        }
        return schema;
    }

    private static ObjectNode dataSchema(List<Field> fields) {
        ObjectNode schema = VaultResponses.object();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        for (Field f : fields.stream().sorted(Comparator.comparing(Field::name)).toList()) {
            ObjectNode property = typed(f.type());
            property.put("description", f.description());
            if (f.nullable()) {
                property.put("nullable", true);
            }
            if (f.type() == FieldType.MAP) {
                property.set("additionalProperties", f.entryFields().isEmpty()
                        ? typed(FieldType.STRING) : dataSchema(f.entryFields()));
            }
            properties.set(f.name(), property);
        }
        return schema;
    }

    private static ObjectNode typed(FieldType type) {
        ObjectNode schema = VaultResponses.object();
        schema.put("type", type.openApiType());
        type.openApiFormat().ifPresent(format -> schema.put("format", format));
        type.openApiItems().ifPresent(items -> schema.putObject("items").put("type", items));
        return schema;
    }

    /** Vault's StandardListResponse. */
    private static ObjectNode listSchema() {
        ObjectNode schema = VaultResponses.object();
        schema.put("type", "object");
        schema.putObject("properties").putObject("keys").put("type", "array").putObject("items").put("type", "string");
        return schema;
    }

    /** Vault's error body, which is not in an envelope. */
    private static ObjectNode errorSchema() {
        ObjectNode schema = VaultResponses.object();
        schema.put("type", "object");
        ObjectNode errors = schema.putObject("properties").putObject("errors");
        errors.put("type", "array");
        errors.put("description", "What went wrong; empty for an empty list");
        errors.putObject("items").put("type", "string");
        return schema;
    }

    private static ObjectNode description(String text) {
        ObjectNode response = VaultResponses.object();
        response.put("description", text);
        return response;
    }

    private static ObjectNode withSchema(String text, String schema) {
        ObjectNode response = description(text);
        response.putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", "#/components/schemas/" + schema);
        return response;
    }
}
