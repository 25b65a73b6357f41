package io.keymgmt.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.keymgmt.emulator.http.Exchanges;

/**
 * The JSON form of {@link EmulatorConfig}, for {@link Main}. Unknown fields are refused so that a
 * typo fails loudly instead of silently granting nothing:
 *
 * <pre>{@code
 * {
 *   "tenantId": "00000000-0000-0000-0000-000000000001",
 *   "tokenResource": "https://vault.azure.net",            (optional)
 *   "reader": "<clientId>",                                 (optional: get+list on every vault)
 *   "caCertificatePem": "ca.pem",                           (optional, relative to this file)
 *   "managedIdentity": {"port": 0, "header": "secret"},     (optional)
 *   "servicePrincipals": [{"clientId": "..", "objectId": "..", "secret": ".."}],
 *   "systemAssignedIdentity": {"objectId": "..", "clientId": ".."},   (selected by managedIdentity.header)
 *   "hostIdentities": [{"header": "..", "objectId": "..", "clientId": ".."}],   (optional: one per Function App)
 *   "userAssignedIdentities": [{"clientId": "..", "objectId": "..", "resourceId": ".."}],
 *   "vaults": [{"name": "kv1", "port": 0, "location": "westeurope", "throttleLimit": 10,
 *               "accessPolicies": {"<clientId>": ["get", "create", "import"]}}]
 * }
 * }</pre>
 */
final class EmulatorConfigJson {

    private EmulatorConfigJson() {
    }

    /** @param baseDirectory what relative paths in the file are relative to */
    static EmulatorConfig parse(String json, Path baseDirectory) {
        JsonNode root;
        try {
            root = Exchanges.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the configuration is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr());
        }
        object(root, "the configuration", Set.of("tenantId", "tokenResource", "reader", "caCertificatePem",
                "managedIdentity", "servicePrincipals", "systemAssignedIdentity", "hostIdentities",
                "userAssignedIdentities", "vaults"));
        EmulatorConfig.Builder builder = EmulatorConfig.builder().tenantId(text(root, "tenantId", true));
        String resource = text(root, "tokenResource", false);
        if (resource != null) {
            builder.tokenResource(resource);
        }
        String pem = text(root, "caCertificatePem", false);
        if (pem != null) {
            builder.caCertificatePemFile(baseDirectory == null ? Path.of(pem) : baseDirectory.resolve(pem));
        }
        JsonNode mi = root.get("managedIdentity");
        if (mi != null) {
            object(mi, "managedIdentity", Set.of("port", "header"));
            if (mi.has("port")) {
                builder.managedIdentityPort(integer(mi, "port", "managedIdentity.port"));
            }
            String header = text(mi, "header", false);
            if (header != null) {
                builder.managedIdentityHeader(header);
            }
        }
        for (JsonNode sp : array(root, "servicePrincipals")) {
            object(sp, "a servicePrincipals entry", Set.of("clientId", "objectId", "secret"));
            builder.servicePrincipal(text(sp, "clientId", true), text(sp, "objectId", true), text(sp, "secret", true));
        }
        JsonNode system = root.get("systemAssignedIdentity");
        if (system != null && !system.isNull()) {
            object(system, "systemAssignedIdentity", Set.of("objectId", "clientId"));
            builder.systemAssignedIdentity(text(system, "objectId", true), text(system, "clientId", true));
        }
        for (JsonNode host : array(root, "hostIdentities")) {
            object(host, "a hostIdentities entry", Set.of("header", "objectId", "clientId"));
            builder.hostIdentity(text(host, "header", true), text(host, "objectId", true),
                    text(host, "clientId", true));
        }
        for (JsonNode ua : array(root, "userAssignedIdentities")) {
            object(ua, "a userAssignedIdentities entry", Set.of("clientId", "objectId", "resourceId"));
            builder.userAssignedIdentity(text(ua, "clientId", true), text(ua, "objectId", true),
                    text(ua, "resourceId", false));
        }
        for (JsonNode vault : array(root, "vaults")) {
            object(vault, "a vaults entry", Set.of("name", "port", "location", "throttleLimit", "accessPolicies"));
            String name = text(vault, "name", true);
            String location = text(vault, "location", false);
            builder.vault(name, vault.has("port") ? integer(vault, "port", "vault " + name + " port") : 0,
                    location == null ? EmulatorConfig.DEFAULT_LOCATION : location);
            if (vault.has("throttleLimit") && !vault.get("throttleLimit").isNull()) {
                builder.throttleLimit(name, integer(vault, "throttleLimit", "vault " + name + " throttleLimit"));
            }
            JsonNode policies = vault.get("accessPolicies");
            if (policies != null) {
                if (!policies.isObject()) {
                    throw new IllegalArgumentException("vault " + name + ": accessPolicies must be an object of "
                            + "clientId -> [permissions]");
                }
                for (Map.Entry<String, JsonNode> entry : policies.properties()) {
                    if (!entry.getValue().isArray()) {
                        throw new IllegalArgumentException("vault " + name + ": the access policy of " + entry.getKey()
                                + " must be an array of permission names");
                    }
                    List<String> permissions = new ArrayList<>();
                    entry.getValue().forEach(p -> permissions.add(p.asText()));
                    builder.accessPolicy(name, entry.getKey(), permissions);
                }
            }
        }
        String reader = text(root, "reader", false);
        if (reader != null) {
            builder.readerClientId(reader);
        }
        return builder.build();
    }

    private static void object(JsonNode node, String what, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw new IllegalArgumentException(what + " has an unknown field '" + field + "'; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        });
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string, was " + value);
        }
        return value.asText();
    }

    private static int integer(JsonNode node, String field, String what) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(what + " must be an integer, was " + value);
        }
        return value.asInt();
    }

    private static List<JsonNode> array(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be an array");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }
}
