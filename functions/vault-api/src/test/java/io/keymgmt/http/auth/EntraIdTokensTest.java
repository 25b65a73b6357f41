package io.keymgmt.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.keymgmt.http.routes.ApiRole;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The choices EntraIdTokens makes beyond nimbus's verification, each against tokens signed here and
 * a key set served on 127.0.0.1 as a tenant publishes it: the issuer and tenant, the roles claim, the
 * algorithm, and a tenant whose keys cannot be fetched. (Expiry, audience and signature are walked
 * through the HTTP surface in the server's EntraIdAuthTest.)
 */
class EntraIdTokensTest {

    private static final String TENANT = "00000000-0000-4000-8000-0000000aa001";
    private static final String AUDIENCE = "api://keymgmt-unit";
    private static RSAKey key;
    private static HttpServer tenantKeys;
    private static String authority;

    @BeforeAll
    static void publishKeys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] keySet = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        tenantKeys = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tenantKeys.createContext("/" + TENANT + "/discovery/v2.0/keys", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            exchange.getResponseBody().write(keySet);
            exchange.close();
        });
        tenantKeys.start();
        authority = "http://127.0.0.1:" + tenantKeys.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        tenantKeys.stop(0);
    }

    private static EntraIdTokens tokens() {
        return new EntraIdTokens(TENANT, List.of(AUDIENCE), authority, Optional.empty());
    }

    private static String signed(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(authority + "/" + TENANT + "/v2.0")
                .audience(AUDIENCE).claim("tid", TENANT).issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("roles", List.of("operator"));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                change.apply(claims).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aValidTokenGivesTheApiRolesItCarriesAndIgnoresOthers() throws Exception {
        EntraIdTokens.Outcome outcome = tokens().check(signed(c -> c.claim("roles", List.of("operator",
                "Task.Write", "reader"))));

        assertEquals(new EntraIdTokens.Accepted(Set.of(ApiRole.OPERATOR, ApiRole.READER)), outcome);
        assertEquals(new EntraIdTokens.Accepted(Set.of()), tokens().check(signed(c -> c.claim("roles", null))));
    }

    @Test
    void anotherIssuerOrTenantIsRefusedNamingWhatIsAccepted() throws Exception {
        EntraIdTokens.Refused issuer = assertInstanceOf(EntraIdTokens.Refused.class, tokens().check(signed(c ->
                c.issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0"))));
        assertEquals(403, issuer.status());
        assertEquals("the token was issued by https://login.microsoftonline.com/" + TENANT + "/v2.0; this API "
                + "accepts tokens issued by " + authority + "/" + TENANT + "/v2.0", issuer.reason());

        EntraIdTokens.Refused tenant = assertInstanceOf(EntraIdTokens.Refused.class, tokens().check(signed(c ->
                c.claim("tid", "00000000-0000-4000-8000-0000000bb002"))));
        assertEquals("the token is from tenant 00000000-0000-4000-8000-0000000bb002; this API accepts tenant "
                + TENANT, tenant.reason());
    }

    @Test
    void aRolesClaimThatIsNoListAndASymmetricAlgorithmAreRefused() throws Exception {
        EntraIdTokens.Refused roles = assertInstanceOf(EntraIdTokens.Refused.class, tokens().check(signed(c ->
                c.claim("roles", 7))));
        assertEquals("the token's roles claim is not a list of strings", roles.reason());

        // A token MACed with a shared secret (an "alg" confusion attempt) never reaches the claims.
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .issuer(authority + "/" + TENANT + "/v2.0").audience(AUDIENCE).claim("tid", TENANT)
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        hmac.sign(new MACSigner(new byte[32]));
        EntraIdTokens.Refused alg = assertInstanceOf(EntraIdTokens.Refused.class, tokens().check(hmac.serialize()));
        assertTrue(alg.reason().startsWith("the token's signature does not verify"), alg.reason());
    }

    @Test
    void keysThatCannotBeFetchedAre503NotTheCallersFault() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        EntraIdTokens unreachable = new EntraIdTokens(TENANT, List.of(AUDIENCE), "http://127.0.0.1:" + closed,
                Optional.empty());

        EntraIdTokens.Refused refused = assertInstanceOf(EntraIdTokens.Refused.class, unreachable.check(signed(c -> c)));

        assertEquals(503, refused.status());
        assertTrue(refused.reason().startsWith("the signing keys of tenant " + TENANT + " could not be fetched from "
                + "http://127.0.0.1:" + closed + "/" + TENANT + "/discovery/v2.0/keys"), refused.reason());
    }

    @Test
    void missingSettingsAreNamed() {
        IllegalArgumentException tenant = assertThrows(IllegalArgumentException.class, () -> new EntraIdTokens(null,
                List.of(AUDIENCE), authority, Optional.empty()));
        assertEquals("keymgmt.api.entra.tenant-id is required with keymgmt.api.auth=entra-id", tenant.getMessage());
        IllegalArgumentException audience = assertThrows(IllegalArgumentException.class, () -> new EntraIdTokens(
                TENANT, List.of(), authority, Optional.empty()));
        assertTrue(audience.getMessage().startsWith("keymgmt.api.entra.audience needs"), audience.getMessage());
    }
}
