package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_ID;
import static io.keymgmt.emulator.TestDirectory.SYSTEM_MI_OID;
import static io.keymgmt.emulator.TestDirectory.USER_MI_ID;
import static io.keymgmt.emulator.TestDirectory.USER_MI_OID;
import static io.keymgmt.emulator.TestDirectory.USER_MI_RESOURCE_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.exception.HttpResponseException;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.KeyProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keymgmt.emulator.identity.ApiRegistration;

/**
 * azure-identity's ManagedIdentityCredential (MSAL's App Service source) against the emulator. MSAL
 * reads IDENTITY_ENDPOINT/IDENTITY_HEADER from the real process environment, so the build reserves a
 * port and sets both for the test JVM (see the module's pom), and this test pins the emulator to them.
 */
class ManagedIdentityTest {

    private static final String VAULT = "kv-msi";
    private static KeyVaultEmulator emulator;
    private static String endpoint;
    private static String header;

    @BeforeAll
    static void start() {
        endpoint = System.getenv("IDENTITY_ENDPOINT");
        header = System.getenv("IDENTITY_HEADER");
        assertNotNull(endpoint, "IDENTITY_ENDPOINT is not set: run this test through Maven, whose surefire "
                + "configuration sets it to the port build-helper reserved");
        assertNotNull(header, "IDENTITY_HEADER is not set: run this test through Maven");
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT)
                .managedIdentityPort(URI.create(endpoint).getPort())
                .managedIdentityHeader(header)
                .systemAssignedIdentity(SYSTEM_MI_OID, SYSTEM_MI_ID)
                .userAssignedIdentity(USER_MI_ID, USER_MI_OID, USER_MI_RESOURCE_ID)
                .accessPolicy(VAULT, SYSTEM_MI_ID, "get", "create")
                .accessPolicy(VAULT, USER_MI_ID, "get", "list")
                .build());
        assertEquals(endpoint, emulator.managedIdentityEndpoint().toString());
        assertEquals(header, emulator.managedIdentityHeader());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void theSystemAssignedIdentityWorksThroughTheSdk() {
        KeyClient keys = SdkClients.keyClient(emulator, VAULT, new ManagedIdentityCredentialBuilder()
                .httpClient(SdkClients.httpClient(emulator)).build());
        String id = keys.createRsaKey(new CreateRsaKeyOptions("made-by-msi")).getId();
        assertEquals(id, keys.getKey("made-by-msi").getId());
    }

    @Test
    void aUserAssignedIdentityIsPickedByClientIdAndHasItsOwnPermissions() {
        KeyClient keys = SdkClients.keyClient(emulator, VAULT, new ManagedIdentityCredentialBuilder()
                .clientId(USER_MI_ID).httpClient(SdkClients.httpClient(emulator)).build());
        keys.listPropertiesOfKeys().stream().map(KeyProperties::getName).count();
        HttpResponseException denied = assertThrows(HttpResponseException.class,
                () -> keys.createRsaKey(new CreateRsaKeyOptions("not-allowed")));
        assertEquals(403, denied.getResponse().getStatusCode());
        assertTrue(SdkClients.errorMessage(denied).startsWith("The user, group or application 'appid=" + USER_MI_ID
                + ";oid=" + USER_MI_OID + ";"), denied.getMessage());
    }

    @Test
    void speaksTheAppServiceProtocol() {
        RestCalls rest = new RestCalls(emulator);
        RestCalls.Reply system = get(rest, "resource=https://vault.azure.net&api-version=2019-08-01", header);
        assertEquals(200, system.status(), system.text());
        JsonNode body = system.json();
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals("https://vault.azure.net", body.path("resource").asText());
        assertEquals(SYSTEM_MI_ID, body.path("client_id").asText());
        assertTrue(body.path("expires_on").isTextual(), "expires_on is a string of Unix seconds");
        long expiresOn = Long.parseLong(body.path("expires_on").asText());
        assertTrue(Math.abs(expiresOn - (System.currentTimeMillis() / 1000 + 3599)) < 60, body.toString());
        // The token is accepted by the vault: a missing key is 404, not 401.
        assertEquals(404, rest.send("GET", RestCalls.at(emulator.vaultUrl(VAULT), "/keys/never-made"),
                body.path("access_token").asText(), null).status());

        assertEquals(USER_MI_ID, get(rest, "resource=https://vault.azure.net&api-version=2019-08-01&principal_id="
                + USER_MI_OID, header).json().path("client_id").asText());
        assertEquals(USER_MI_ID, get(rest, "resource=https://vault.azure.net&api-version=2019-08-01&mi_res_id="
                + URLEncoder.encode(USER_MI_RESOURCE_ID, StandardCharsets.UTF_8), header).json().path("client_id")
                .asText());

        assertEquals(400, get(rest, "resource=https://vault.azure.net&api-version=2019-08-01", null).status());
        assertEquals(401, get(rest, "resource=https://vault.azure.net&api-version=2019-08-01", "wrong").status());
        RestCalls.Reply unknown = get(rest, "resource=https://vault.azure.net&api-version=2019-08-01&client_id=nope",
                header);
        assertEquals(400, unknown.status());
        assertTrue(unknown.json().path("message").asText().contains("No managed identity found for client_id 'nope'"));
        assertEquals(400, get(rest, "resource=https://vault.azure.net&api-version=2019-08-01&client_id=" + USER_MI_ID
                + "&principal_id=" + USER_MI_OID, header).status());
        assertEquals(400, get(rest, "resource=https://vault.azure.net&api-version=2017-09-01", header).status());
        assertEquals(400, get(rest, "api-version=2019-08-01", header).status());
    }

    @Test
    void aTokenForARegisteredApiIsSignedWithTheIdentitysAppRoles() throws Exception {
        ApiRegistration api = emulator.registerApi("api://keymgmt-msi-test", "00000000-0000-4000-8000-0000000a9902");
        emulator.assignAppRoles(api, SYSTEM_MI_ID, "operator");
        RestCalls rest = new RestCalls(emulator);

        RestCalls.Reply reply = get(rest, "resource=" + URLEncoder.encode("api://keymgmt-msi-test", StandardCharsets.UTF_8)
                + "&api-version=2019-08-01", header);

        assertEquals(200, reply.status(), reply.text());
        JWTClaimsSet claims = SignedJWT.parse(reply.json().path("access_token").asText()).getJWTClaimsSet();
        assertEquals(java.util.List.of(api.clientId()), claims.getAudience());
        assertEquals(java.util.List.of("operator"), claims.getStringListClaim("roles"));
        assertEquals(SYSTEM_MI_OID, claims.getStringClaim("oid"));
        assertEquals(claims.getExpirationTime().toInstant().getEpochSecond(), reply.json().path("expires_on").asLong());
    }

    private static RestCalls.Reply get(RestCalls rest, String query, String identityHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + "?" + query))
                .timeout(Duration.ofSeconds(10)).GET();
        if (identityHeader != null) {
            request.header("X-IDENTITY-HEADER", identityHeader);
        }
        return rest.send(request.build());
    }
}
