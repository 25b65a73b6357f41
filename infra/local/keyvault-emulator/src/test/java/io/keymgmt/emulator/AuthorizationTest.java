package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.ADMIN_SECRET;
import static io.keymgmt.emulator.TestDirectory.NOBODY_ID;
import static io.keymgmt.emulator.TestDirectory.NOBODY_OID;
import static io.keymgmt.emulator.TestDirectory.NOBODY_SECRET;
import static io.keymgmt.emulator.TestDirectory.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyProperties;
import com.azure.security.keyvault.keys.models.KeyVaultKey;

/** The bearer challenge, token validation and access-policy permissions of a vault. */
class AuthorizationTest {

    private static final String VAULT = "kv-auth";
    private static final String READER_ID = "11111111-aaaa-4bbb-8ccc-0000000000d1";
    private static final String READER_SECRET = "reader-secret";

    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static KeyVaultEmulator emulator;
    private static RestCalls rest;
    private static URI vault;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT)
                .servicePrincipal(READER_ID, "21111111-aaaa-4bbb-8ccc-0000000000d1", READER_SECRET)
                .accessPolicy(VAULT, READER_ID, "Get", "LIST")
                .clock(CLOCK)
                .build());
        rest = new RestCalls(emulator);
        vault = emulator.vaultUrl(VAULT);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void aRequestWithoutTokenGetsTheBearerChallenge() {
        RestCalls.Reply reply = rest.send("GET", RestCalls.at(vault, "/keys"), null, null);
        assertEquals(401, reply.status());
        assertEquals("Bearer authorization=\"" + emulator.authorityHost() + "/" + TENANT
                + "\", resource=\"https://vault.azure.net\"", reply.header("WWW-Authenticate"));
        assertEquals("{\"error\":{\"code\":\"Unauthorized\",\"message\":\"AKV10000: Request is missing a Bearer or PoP "
                + "token.\"}}", reply.text());

        // The SDK sends its first request of a POST without the body; the challenge must not need it.
        RestCalls.Reply emptyPost = rest.send("POST", RestCalls.at(vault, "/keys/some-key/create"), null, "");
        assertEquals(401, emptyPost.status());
        RestCalls.Reply basic = rest.send(java.net.http.HttpRequest.newBuilder(RestCalls.at(vault, "/keys"))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET().build());
        assertEquals(401, basic.status());
        assertEquals("Unauthorized", basic.errorCode());
    }

    @Test
    void unknownExpiredAndWrongAudienceTokensAre401WithTheChallenge() {
        RestCalls.Reply unknown = rest.send("GET", RestCalls.at(vault, "/keys"), "kvemu.not-a-token-it-issued", null);
        assertEquals(401, unknown.status());
        assertTrue(unknown.errorMessage().startsWith("AKV10001: "), unknown.errorMessage());
        assertTrue(unknown.header("WWW-Authenticate").startsWith("Bearer authorization="));

        String shortLived = emulator.issueToken(ADMIN_ID, "https://vault.azure.net", Duration.ofMinutes(1));
        assertEquals(200, rest.send("GET", RestCalls.at(vault, "/keys"), shortLived, null).status());
        CLOCK.advance(Duration.ofMinutes(2));
        RestCalls.Reply expired = rest.send("GET", RestCalls.at(vault, "/keys"), shortLived, null);
        assertEquals(401, expired.status());
        assertTrue(expired.errorMessage().startsWith("AKV10013: Token has expired"), expired.errorMessage());

        String management = emulator.issueToken(ADMIN_ID, "https://management.azure.com/", Duration.ofMinutes(5));
        RestCalls.Reply audience = rest.send("GET", RestCalls.at(vault, "/keys"), management, null);
        assertEquals(401, audience.status());
        assertEquals("AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com.",
                audience.errorMessage());

        String trailingSlash = emulator.issueToken(ADMIN_ID, "https://vault.azure.net/", Duration.ofMinutes(5));
        assertEquals(200, rest.send("GET", RestCalls.at(vault, "/keys"), trailingSlash, null).status());
    }

    @Test
    void eachOperationNeedsItsOwnPermission() {
        KeyClient admin = SdkClients.keyClient(emulator, VAULT, ADMIN_ID, ADMIN_SECRET);
        KeyVaultKey existing = admin.createRsaKey(new CreateRsaKeyOptions("guarded"));
        admin.createRsaKey(new CreateRsaKeyOptions("guarded-deleted"));
        admin.beginDeleteKey("guarded-deleted").waitForCompletion(Duration.ofSeconds(30));
        KeyClient nobody = SdkClients.keyClient(emulator, VAULT, NOBODY_ID, NOBODY_SECRET);
        KeyProperties properties = existing.getProperties();

        Map<String, Executable> operations = new LinkedHashMap<>();
        operations.put("create", () -> nobody.createRsaKey(new CreateRsaKeyOptions("new-key")));
        operations.put("delete", () -> nobody.beginDeleteKey("guarded"));
        operations.put("get", () -> nobody.getKey("guarded"));
        operations.put("import", () -> nobody.importKey("new-key", JsonWebKey.fromRsa(KeyLifecycleTest.rsa(2048))));
        operations.put("update", () -> nobody.updateKeyProperties(properties.setEnabled(false)));
        operations.put("list", () -> nobody.listPropertiesOfKeys().iterator().hasNext());
        operations.put("purge", () -> nobody.purgeDeletedKey("guarded-deleted"));
        operations.put("recover", () -> nobody.beginRecoverDeletedKey("guarded-deleted"));
        operations.forEach((permission, call) -> {
            HttpResponseException denied = assertThrows(HttpResponseException.class, call, permission);
            assertEquals(403, denied.getResponse().getStatusCode(), permission);
            assertEquals("The user, group or application 'appid=" + NOBODY_ID + ";oid=" + NOBODY_OID
                    + ";iss=https://sts.windows.net/" + TENANT + "/' does not have keys " + permission + " permission "
                    + "on key vault '" + VAULT + ";location=westeurope'. For help resolving this issue, please see "
                    + "https://go.microsoft.com/fwlink/?linkid=2125287", SdkClients.errorMessage(denied), permission);
            assertTrue(denied.getMessage().contains("\"innererror\":{\"code\":\"AccessDenied\"}"), denied.getMessage());
        });
        assertTrue(admin.getKey("guarded").getProperties().isEnabled(), "a refused update must change nothing");
        assertEquals("guarded-deleted", admin.getDeletedKey("guarded-deleted").getName());
    }

    @Test
    void grantedPermissionsAreExactlyWhatThePolicySays() {
        KeyClient admin = SdkClients.keyClient(emulator, VAULT, ADMIN_ID, ADMIN_SECRET);
        admin.createRsaKey(new CreateRsaKeyOptions("readable"));
        KeyClient reader = SdkClients.keyClient(emulator, VAULT, READER_ID, READER_SECRET);
        assertEquals("readable", reader.getKey("readable").getName());
        assertTrue(reader.listPropertiesOfKeys().stream().anyMatch(k -> "readable".equals(k.getName())));
        HttpResponseException create = assertThrows(HttpResponseException.class,
                () -> reader.createRsaKey(new CreateRsaKeyOptions("not-for-readers")));
        assertEquals(403, create.getResponse().getStatusCode());
        assertTrue(SdkClients.errorMessage(create).contains("does not have keys create permission"));
    }
}
