package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every built-in role definition id in the templates is the role it is named after. */
class BuiltInRolesTest {

    /**
     * Azure's built-in roles, names and ids as published on learn.microsoft.com/azure/role-based-access-control/built-in-roles
     * (the Storage and Monitor pages), and as Azure-Samples' Functions templates use them.
     */
    static final Map<String, String> BUILT_IN_ROLES = Map.of(
            "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb");

    private static final Pattern GUID = Pattern.compile("'([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'");
    private static final Pattern NAMED = Pattern.compile("'([^']+)':\\s*'([0-9a-fA-F-]{36})'");

    @Test
    void everyGuidInTheTemplatesIsAKnownBuiltInRole() {
        List<String> unknown = new ArrayList<>();
        for (Bicep bicep : Bicep.all()) {
            Matcher m = GUID.matcher(bicep.text);
            while (m.find()) {
                if (!BUILT_IN_ROLES.containsValue(m.group(1).toLowerCase())) {
                    unknown.add(bicep.name() + ": " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), unknown, "role ids not in the published table");
    }

    @Test
    void everyNamedRoleIdIsThatRolesId() {
        int named = 0;
        for (Bicep bicep : Bicep.all()) {
            Matcher m = NAMED.matcher(bicep.text);
            while (m.find()) {
                named++;
                assertEquals(BUILT_IN_ROLES.get(m.group(1)), m.group(2).toLowerCase(),
                        bicep.name() + ": the id given for " + m.group(1));
            }
        }
        assertTrue(named > 0, "no named built-in role ids found; the check would pass on nothing");
    }
}
