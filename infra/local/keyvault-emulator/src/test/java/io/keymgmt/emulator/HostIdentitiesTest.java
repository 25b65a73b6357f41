package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_ID;
import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_OID;
import static io.keymgmt.emulator.TestDirectory.TENANT;
import static io.keymgmt.emulator.TestDirectory.USER_MI_ID;
import static io.keymgmt.emulator.TestDirectory.USER_MI_OID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several Function App hosts on one managed-identity endpoint, each told apart by its own
 * X-IDENTITY-HEADER, as the product's four apps are started against one emulator. Tokens are
 * fetched with plain HTTP: azure-identity caches managed-identity tokens per JVM and reads the one
 * IDENTITY_HEADER of this process, so it cannot act as two hosts here.
 */
class HostIdentitiesTest {

    private static final String VAULT = "kv-hosts";
    private static final String SYSTEM_HEADER = "header-of-the-system-assigned-identity";
    private static final String HEADER_A = "header-of-app-a";
    private static final String HEADER_B = "header-of-app-b";
    private static final String APP_A_ID = "11111111-aaaa-4bbb-8ccc-0000000000a1";
    private static final String APP_A_OID = "21111111-aaaa-4bbb-8ccc-0000000000a1";
    private static final String APP_B_ID = "11111111-aaaa-4bbb-8ccc-0000000000b1";
    private static final String APP_B_OID = "21111111-aaaa-4bbb-8ccc-0000000000b1";
    private static final String RESOURCE = "resource=https://vault.azure.net&api-version=2019-08-01";

    private static KeyVaultEmulator emulator;
    private static RestCalls rest;
    private static URI vault;

    @BeforeAll
    static void start() {
        // A free port: nothing here goes through MSAL and the environment's IDENTITY_ENDPOINT.
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT)
                .managedIdentityHeader(SYSTEM_HEADER)
                .systemAssignedIdentity(SYSTEM_MI_OID, SYSTEM_MI_ID)
                .hostIdentity(HEADER_A, APP_A_OID, APP_A_ID)
                .hostIdentity(HEADER_B, APP_B_OID, APP_B_ID)
                .userAssignedIdentity(USER_MI_ID, USER_MI_OID)
                .accessPolicy(VAULT, APP_A_ID, "get", "create")
                .accessPolicy(VAULT, APP_B_ID, "get", "list")
                .build());
        rest = new RestCalls(emulator);
        vault = emulator.vaultUrl(VAULT);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void eachHeaderGetsATokenForItsOwnHostsIdentity() {
        RestCalls.Reply a = token(HEADER_A, "");
        RestCalls.Reply b = token(HEADER_B, "");
        assertEquals(200, a.status(), a.text());
        assertEquals(200, b.status(), b.text());
        assertEquals(APP_A_ID, a.json().path("client_id").asText());
        assertEquals(APP_B_ID, b.json().path("client_id").asText());
        assertNotEquals(a.json().path("access_token").asText(), b.json().path("access_token").asText());
        // The emulator's own header keeps selecting the one systemAssignedIdentity.
        assertEquals(SYSTEM_MI_ID, token(SYSTEM_HEADER, "").json().path("client_id").asText());
        assertEquals(SYSTEM_HEADER, emulator.managedIdentityHeader());
    }

    @Test
    void eachHostsTokenIsAllowedOrRefusedByItsOwnAccessPolicy() {
        String a = accessToken(HEADER_A);
        String b = accessToken(HEADER_B);
        assertEquals(200, create(a, "made-by-app-a").status());
        assertEquals(200, rest.send("GET", RestCalls.at(vault, "/keys/made-by-app-a"), b, null).status());
        assertEquals(200, rest.send("GET", RestCalls.at(vault, "/keys"), b, null).status());

        assertForbidden(create(b, "made-by-app-b"), APP_B_ID, APP_B_OID, "create");
        assertForbidden(rest.send("GET", RestCalls.at(vault, "/keys"), a, null), APP_A_ID, APP_A_OID, "list");

        // An operator's grant at run time reaches the host's identity; the token it holds stays valid.
        emulator.setPermissions(VAULT, APP_B_ID, "get", "list", "create");
        try {
            assertEquals(200, create(b, "made-by-app-b").status());
        } finally {
            emulator.setPermissions(VAULT, APP_B_ID, "get", "list");
        }
        assertForbidden(create(b, "made-by-app-b-again"), APP_B_ID, APP_B_OID, "create");
    }

    @Test
    void anUnknownHeaderIs401AndAMissingOneIs400() {
        RestCalls.Reply unknown = token("header-of-no-app", "");
        assertEquals(401, unknown.status());
        assertEquals("unauthorized", unknown.json().path("error").asText());
        assertTrue(unknown.json().path("message").asText().startsWith("The X-IDENTITY-HEADER value is not this "
                + "endpoint's secret."), unknown.text());
        // A prefix of a configured header is no header.
        assertEquals(401, token(HEADER_A.substring(0, HEADER_A.length() - 1), "").status());
        assertEquals(401, token(HEADER_A + "x", "").status());
        assertEquals(400, token(null, "").status());
    }

    @Test
    void userAssignedIdentitiesAreReachableWithEveryHeader() {
        for (String header : new String[] {SYSTEM_HEADER, HEADER_A, HEADER_B}) {
            assertEquals(USER_MI_ID, token(header, "&client_id=" + USER_MI_ID).json().path("client_id").asText());
            assertEquals(USER_MI_ID, token(header, "&principal_id=" + USER_MI_OID).json().path("client_id").asText());
        }
    }

    @Test
    void aHostMayNameItsOwnIdentityButNotAnotherHosts() {
        assertEquals(APP_A_ID, token(HEADER_A, "&client_id=" + APP_A_ID).json().path("client_id").asText());
        assertEquals(APP_A_ID, token(HEADER_A, "&principal_id=" + APP_A_OID).json().path("client_id").asText());
        assertEquals(SYSTEM_MI_ID, token(SYSTEM_HEADER, "&client_id=" + SYSTEM_MI_ID).json().path("client_id")
                .asText());

        RestCalls.Reply other = token(HEADER_A, "&client_id=" + APP_B_ID);
        assertEquals(400, other.status());
        assertEquals("No managed identity found for client_id '" + APP_B_ID + "' on this host: it is the "
                + "system-assigned identity of another host. Send that host's X-IDENTITY-HEADER, or ask without "
                + "client_id, principal_id and mi_res_id for this host's own identity.",
                other.json().path("message").asText());
        assertEquals(400, token(HEADER_B, "&principal_id=" + APP_A_OID).status());
        assertEquals(400, token(HEADER_A, "&client_id=" + SYSTEM_MI_ID).status());
        assertEquals(400, token(SYSTEM_HEADER, "&client_id=" + APP_A_ID).status());
    }

    @Test
    void setPermissionsRefusesAnUnknownPrincipalOrVault() {
        IllegalArgumentException principal = assertThrows(IllegalArgumentException.class,
                () -> emulator.setPermissions(VAULT, "app-nobody-configured", "get"));
        assertEquals("no principal with client id app-nobody-configured is configured", principal.getMessage());
        IllegalArgumentException vaultName = assertThrows(IllegalArgumentException.class,
                () -> emulator.setPermissions("kv-nowhere", APP_A_ID, "get"));
        assertTrue(vaultName.getMessage().startsWith("no vault named kv-nowhere"), vaultName.getMessage());
        // Vault names are case-insensitive here as everywhere else.
        emulator.setPermissions(VAULT.toUpperCase(), APP_A_ID, "get", "create");
    }

    private static void assertForbidden(RestCalls.Reply reply, String clientId, String objectId, String permission) {
        assertEquals(403, reply.status(), reply.text());
        assertEquals("The user, group or application 'appid=" + clientId + ";oid=" + objectId
                + ";iss=https://sts.windows.net/" + TENANT + "/' does not have keys " + permission + " permission "
                + "on key vault '" + VAULT + ";location=westeurope'. For help resolving this issue, please see "
                + "https://go.microsoft.com/fwlink/?linkid=2125287", reply.errorMessage());
        assertEquals("AccessDenied", reply.innerCode());
    }

    private static RestCalls.Reply create(String token, String name) {
        return rest.send("POST", RestCalls.at(vault, "/keys/" + name + "/create"), token, "{\"kty\":\"RSA\"}");
    }

    private static String accessToken(String identityHeader) {
        RestCalls.Reply reply = token(identityHeader, "");
        assertEquals(200, reply.status(), reply.text());
        return reply.json().path("access_token").asText();
    }

    private static RestCalls.Reply token(String identityHeader, String selector) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.managedIdentityEndpoint() + "?"
                + RESOURCE + selector)).timeout(Duration.ofSeconds(10)).GET();
        if (identityHeader != null) {
            request.header("X-IDENTITY-HEADER", identityHeader);
        }
        return rest.send(request.build());
    }
}
