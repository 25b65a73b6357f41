package io.keymgmt.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The app role each route and action needs, written out by hand as the policy says it (reader: read
 * and list; operator: create, distribute, rotate; admin: delete, remove, configure providers), so that
 * a change to the catalog's rule shows here instead of silently widening a role.
 */
class RequiredRolesTest {

    @Test
    void everyRouteNeedsTheRoleThePolicyGivesIt() {
        Map<String, ApiRole> expected = new LinkedHashMap<>();
        expected.put("LIST key", ApiRole.READER);
        expected.put("WRITE key/{name}", ApiRole.OPERATOR);
        expected.put("READ key/{name}", ApiRole.READER);
        expected.put("DELETE key/{name}", ApiRole.ADMIN);
        expected.put("WRITE key/{name}/rotate", ApiRole.OPERATOR);
        expected.put("LIST key/{name}/kms", ApiRole.READER);
        expected.put("LIST kms", ApiRole.READER);
        expected.put("WRITE kms/{name}", ApiRole.ADMIN);
        expected.put("READ kms/{name}", ApiRole.READER);
        expected.put("DELETE kms/{name}", ApiRole.ADMIN);
        expected.put("LIST kms/{name}/key", ApiRole.READER);
        expected.put("WRITE kms/{name}/key/{key_name}", ApiRole.OPERATOR);
        expected.put("READ kms/{name}/key/{key_name}", ApiRole.READER);
        expected.put("DELETE kms/{name}/key/{key_name}", ApiRole.ADMIN);
        expected.put("action rotate-key", ApiRole.OPERATOR);
        expected.put("action distribute-key", ApiRole.OPERATOR);
        expected.put("action remove-key", ApiRole.ADMIN);
        expected.put("action key-status", ApiRole.READER);
        expected.put("action list-keys", ApiRole.READER);
        expected.put("action list-providers", ApiRole.READER);

        Map<String, ApiRole> actual = new LinkedHashMap<>();
        Routes.all().forEach(r -> actual.put(r.verb() + " " + r.template(), r.requiredRole()));
        WorkflowActions.all().forEach(a -> actual.put("action " + a.name(), a.role()));
        assertEquals(expected, actual);
    }

    @Test
    void eachRoleIncludesTheOnesBelowIt() {
        assertEquals(true, ApiRole.ADMIN.includes(ApiRole.OPERATOR));
        assertEquals(true, ApiRole.OPERATOR.includes(ApiRole.READER));
        assertEquals(false, ApiRole.READER.includes(ApiRole.OPERATOR));
        assertEquals(false, ApiRole.OPERATOR.includes(ApiRole.ADMIN));
        assertEquals(ApiRole.ADMIN, ApiRole.fromValue("admin").orElseThrow());
        assertEquals(true, ApiRole.fromValue("Admin").isEmpty(), "role values are case-sensitive, as Entra ID's are");
    }
}
