package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.routes.ApiRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The app roles the preprovision hook gives the API's registration are the ones the token check
 * enforces (ApiRole), and the role id infra/README.md tells administrators to assign is the operator's.
 */
class AppRolesTest {

    @Test
    void theRegistrationsRolesAreTheOnesTheApiEnforces() throws Exception {
        JsonNode roles = new ObjectMapper().readTree(Repository.read("infra/azure/api-app-roles.json"));
        List<String> values = new ArrayList<>();
        roles.forEach(r -> values.add(r.path("value").asText()));

        assertEquals(Arrays.stream(ApiRole.values()).map(ApiRole::value).toList(), values);
        roles.forEach(r -> assertTrue(r.path("isEnabled").asBoolean(), r.toString()));
        String operatorId = roles.get(ApiRole.OPERATOR.ordinal()).path("id").asText();
        assertTrue(Repository.read("infra/README.md").contains("\"appRoleId\":\"" + operatorId + "\""),
                "infra/README.md assigns the operator role to a Logic App by its id " + operatorId);
    }
}
