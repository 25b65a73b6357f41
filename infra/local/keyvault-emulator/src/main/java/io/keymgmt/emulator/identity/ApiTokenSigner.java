package io.keymgmt.emulator.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Signs access tokens for the APIs registered in the directory the way Entra ID signs v2.0 tokens
 * (RS256, a kid from the tenant's published key set), so that an API checks them exactly as it
 * checks Entra ID's: against the keys at /{tenant}/discovery/v2.0/keys. Key Vault tokens stay opaque.
 */
public final class ApiTokenSigner {

    private static final int KEY_BITS = 2048;

    private final RSAKey signingKey;

    public ApiTokenSigner() {
        try {
            signingKey = new RSAKeyGenerator(KEY_BITS).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate the token signing key", e);
        }
    }

    /** What a token says about its principal and API; the signer adds nothing but the signature. */
    public record Claims(String issuer, String tenantId, Principal principal, ApiRegistration api, Set<String> roles,
            Instant issuedAt, Instant expiresAt) {
        public Claims {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(api, "api");
            roles = Set.copyOf(roles);
            if (!expiresAt.isAfter(issuedAt)) {
                throw new IllegalArgumentException("a token must expire after it is issued");
            }
        }
    }

    public String sign(Claims claims) {
        JWTClaimsSet.Builder body = new JWTClaimsSet.Builder()
                .issuer(claims.issuer())
                .audience(claims.api().clientId())
                .subject(claims.principal().objectId())
                .issueTime(Date.from(claims.issuedAt()))
                .notBeforeTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(UUID.randomUUID().toString())
                .claim("oid", claims.principal().objectId())
                .claim("tid", claims.tenantId())
                .claim("azp", claims.principal().clientId())
                .claim("azpacr", "1")
                .claim("ver", "2.0");
        if (!claims.roles().isEmpty()) {
            body.claim("roles", List.copyOf(claims.roles()));
        }
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), body.build());
        try {
            token.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
        return token.serialize();
    }

    /** The tenant's published key set: the public half of the signing key only. */
    public Map<String, Object> publicKeySet() {
        return new JWKSet(signingKey.toPublicJWK()).toJSONObject(true);
    }
}
