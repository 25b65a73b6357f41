package io.keymgmt.emulator;

import static io.keymgmt.emulator.TestDirectory.ADMIN_ID;
import static io.keymgmt.emulator.TestDirectory.ADMIN_SECRET;
import static io.keymgmt.emulator.TestDirectory.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keymgmt.emulator.identity.ApiRegistration;

/** The client-credentials flow and Entra ID's errors for the mistakes people make configuring it. */
class EntraIdEndpointTest {

    private static final String VAULT = "kv-entra";
    private static KeyVaultEmulator emulator;
    private static RestCalls rest;

    @BeforeAll
    static void start() {
        emulator = KeyVaultEmulator.start(TestDirectory.config(VAULT)
                .systemAssignedIdentity(TestDirectory.SYSTEM_MI_OID, TestDirectory.SYSTEM_MI_ID).build());
        rest = new RestCalls(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void issuesAVaultTokenForAServicePrincipal() {
        RestCalls.Reply reply = token(TENANT, form("client_credentials", ADMIN_ID, ADMIN_SECRET,
                "https://vault.azure.net/.default"));
        assertEquals(200, reply.status(), reply.text());
        JsonNode body = reply.json();
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals(3599, body.path("expires_in").asInt());
        assertEquals(3599, body.path("ext_expires_in").asInt());
        String accessToken = body.path("access_token").asText();
        assertEquals(200, rest.send("GET", RestCalls.at(emulator.vaultUrl(VAULT), "/keys"), accessToken, null).status());
    }

    @Test
    void credentialOfTheSdkGetsATokenAndFailsWithTheAadstsCodeOnAWrongSecret() {
        AccessToken token = SdkClients.clientSecret(emulator, ADMIN_ID, ADMIN_SECRET)
                .getTokenSync(new TokenRequestContext().addScopes("https://vault.azure.net/.default"));
        assertEquals(200, rest.send("GET", RestCalls.at(emulator.vaultUrl(VAULT), "/keys"), token.getToken(), null)
                .status());
        // getTokenSync wraps MSAL's MsalServiceException; its message carries Entra ID's description.
        RuntimeException wrong = assertThrows(RuntimeException.class,
                () -> SdkClients.clientSecret(emulator, ADMIN_ID, "not-the-secret")
                        .getTokenSync(new TokenRequestContext().addScopes("https://vault.azure.net/.default")));
        assertTrue(wrong.getMessage().contains("AADSTS7000215"), wrong.getMessage());
    }

    @Test
    void answersConfigurationMistakesLikeEntraId() {
        assertError(token(TENANT, form("client_credentials", ADMIN_ID, "wrong", "https://vault.azure.net/.default")),
                401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        assertError(token(TENANT, form("client_credentials", "99999999-0000-0000-0000-000000000000", "x",
                "https://vault.azure.net/.default")), 400, "unauthorized_client",
                "AADSTS700016: Application with identifier '99999999-0000-0000-0000-000000000000' was not found in "
                        + "the directory '" + TENANT + "'.");
        assertError(token("00000000-0000-0000-0000-00000000dead", form("client_credentials", ADMIN_ID, ADMIN_SECRET,
                "https://vault.azure.net/.default")), 400, "invalid_request",
                "AADSTS90002: Tenant '00000000-0000-0000-0000-00000000dead' not found.");
        assertError(token(TENANT, form("client_credentials", ADMIN_ID, ADMIN_SECRET, "https://vault.azure.net")),
                400, "invalid_scope", "AADSTS1002012:");
        assertError(token(TENANT, form("password", ADMIN_ID, ADMIN_SECRET, "https://vault.azure.net/.default")),
                400, "unsupported_grant_type", "AADSTS70003:");
        assertError(token(TENANT, form(null, ADMIN_ID, ADMIN_SECRET, "https://vault.azure.net/.default")),
                400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: "
                        + "'grant_type'.");
        assertError(token(TENANT, form("client_credentials", ADMIN_ID, null, "https://vault.azure.net/.default")),
                401, "invalid_client", "AADSTS7000218:");
        assertError(token(TENANT, form("client_credentials", TestDirectory.SYSTEM_MI_ID, "guess",
                "https://vault.azure.net/.default")), 401, "invalid_client", "is a managed identity");
    }

    @Test
    void servesTheDiscoveryDocumentsMsalMayRead() {
        RestCalls.Reply oidc = rest.send("GET", URI.create(emulator.authorityHost() + "/" + TENANT
                + "/v2.0/.well-known/openid-configuration"), null, null);
        assertEquals(200, oidc.status());
        assertEquals(emulator.authorityHost() + "/" + TENANT + "/oauth2/v2.0/token",
                oidc.json().path("token_endpoint").asText());
        assertEquals(emulator.authorityHost() + "/" + TENANT + "/v2.0", oidc.json().path("issuer").asText());

        RestCalls.Reply instance = rest.send("GET", URI.create(emulator.authorityHost()
                + "/common/discovery/instance?api-version=1.1&authorization_endpoint="
                + URLEncoder.encode(emulator.authorityHost() + "/" + TENANT + "/oauth2/v2.0/authorize",
                        StandardCharsets.UTF_8)), null, null);
        assertEquals(200, instance.status());
        assertEquals(emulator.authorityHost().getAuthority(),
                instance.json().path("metadata").path(0).path("aliases").path(0).asText());
    }

    @Test
    void signsTokensForARegisteredApiWithTheCallersAppRolesVerifiableWithThePublishedKeys() throws Exception {
        ApiRegistration api = emulator.registerApi("api://keymgmt-entra-test", "00000000-0000-4000-8000-0000000a9901");
        emulator.assignAppRoles(api, ADMIN_ID, "operator");

        RestCalls.Reply reply = token(TENANT, form("client_credentials", ADMIN_ID, ADMIN_SECRET,
                "api://keymgmt-entra-test/.default"));
        assertEquals(200, reply.status(), reply.text());
        SignedJWT jwt = SignedJWT.parse(reply.json().path("access_token").asText());

        RestCalls.Reply keys = rest.send("GET", URI.create(emulator.authorityHost() + "/" + TENANT
                + "/discovery/v2.0/keys"), null, null);
        assertEquals(200, keys.status(), keys.text());
        JWKSet published = JWKSet.parse(keys.text());
        assertTrue(published.getKeys().stream().noneMatch(JWK::isPrivate), "only public keys are published");
        RSAKey key = (RSAKey) published.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(jwt.verify(new RSASSAVerifier(key)), "the signature verifies with the published key");
        assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals(emulator.authorityHost() + "/" + TENANT + "/v2.0", claims.getIssuer());
        assertEquals(List.of(api.clientId()), claims.getAudience(), "v2.0 tokens name the API by its client id");
        assertEquals(List.of("operator"), claims.getStringListClaim("roles"));
        assertEquals(TENANT, claims.getStringClaim("tid"));
        assertEquals(ADMIN_ID, claims.getStringClaim("azp"));
        assertEquals(3599, Duration.between(claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant()).toSeconds());

        // A principal without an assignment gets a token without roles; Key Vault tokens stay opaque.
        emulator.assignAppRoles(api, ADMIN_ID);
        SignedJWT roleless = SignedJWT.parse(token(TENANT, form("client_credentials", ADMIN_ID, ADMIN_SECRET,
                api.clientId() + "/.default")).json().path("access_token").asText());
        assertEquals(null, roleless.getJWTClaimsSet().getClaim("roles"));
        String vaultToken = token(TENANT, form("client_credentials", ADMIN_ID, ADMIN_SECRET,
                "https://vault.azure.net/.default")).json().path("access_token").asText();
        assertTrue(vaultToken.startsWith("kvemu."), "a Key Vault token is not a JWT");
    }

    private static void assertError(RestCalls.Reply reply, int status, String error, String description) {
        assertEquals(status, reply.status(), reply.text());
        assertEquals(error, reply.json().path("error").asText(), reply.text());
        assertTrue(reply.json().path("error_description").asText().startsWith(description.startsWith("AADSTS")
                ? description : "AADSTS"), reply.text());
        assertTrue(reply.json().path("error_description").asText().contains(description), reply.text());
    }

    private static RestCalls.Reply token(String tenant, String form) {
        return rest.send(HttpRequest.newBuilder(URI.create(emulator.authorityHost() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static String form(String grantType, String clientId, String secret, String scope) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (grantType != null) {
            fields.put("grant_type", grantType);
        }
        fields.put("client_id", clientId);
        if (secret != null) {
            fields.put("client_secret", secret);
        }
        fields.put("scope", scope);
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
