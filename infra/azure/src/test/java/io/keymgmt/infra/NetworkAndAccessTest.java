package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.infra.Bicep.Arr;
import io.keymgmt.infra.Bicep.Literal;
import io.keymgmt.infra.Bicep.Obj;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Private endpoints against their DNS zones, and the storage roles against the apps that need them. */
class NetworkAndAccessTest {

    @Test
    void everyPrivateEndpointGroupHasItsPrivateDnsZone() {
        Set<String> zones = new TreeSet<>(((Obj) Bicep.module("network").var("zoneNames")).entries().keySet());
        assertEquals(zones, new TreeSet<>(Bicep.module("privateEndpoint").allowed("groupId")),
                "privateEndpoint.bicep's groups and network.bicep's zones differ");
        List<String> storageGroups = new ArrayList<>();
        for (Literal e : ((Arr) Bicep.main().var("storageEndpoints")).items()) {
            Obj endpoint = (Obj) e;
            assertEquals(endpoint.string("groupId"), endpoint.string("zone"), "an endpoint registered in another group's zone");
            storageGroups.add(endpoint.string("groupId"));
        }
        // The engine's tables, the rotation queue, and the host's blobs (leases, the deployment package).
        assertEquals(List.of("table", "queue", "blob"), storageGroups);
        assertTrue(Bicep.main().text.contains("groupId: 'vault'"), "the seal vault has no private endpoint");
    }

    @Test
    void theQueueRoleGoesOnlyToTheAppsThatUseTheQueue() {
        String access = Bicep.module("appAccess").text;
        assertTrue(access.contains("usesRotationQueue ? ['Storage Queue Data Contributor'] : []"),
                "the queue role is not conditional on usesRotationQueue");
        assertTrue(access.contains("['Storage Table Data Contributor', 'Storage Blob Data Owner']"),
                "the roles every app gets changed");
        assertTrue(Bicep.main().text.contains("usesRotationQueue: app.usesRotationQueue"),
                "main.bicep does not pass each app's usesRotationQueue to its access");
    }

    @Test
    void eachAppGetsItsOwnPlanAndIdentity() {
        String app = Bicep.module("functionApp").text;
        assertTrue(app.contains("sku: { tier: 'FlexConsumption', name: 'FC1' }"), "not Flex Consumption");
        assertTrue(app.contains("identity: { type: 'SystemAssigned' }"), "no system-assigned identity");
        assertTrue(app.contains("authentication: { type: 'SystemAssignedIdentity' }"),
                "the deployment container is not reached with the identity");
        assertTrue(Bicep.main().text.contains("planName: 'plan-km-${app.id}-${token}'"), "plans are shared between apps");
    }
}
