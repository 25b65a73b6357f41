package io.keymgmt.http.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.keymgmt.http.routes.ApiRole;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/**
 * Checks an Entra ID access token for the API's own app registration: its signature against the
 * keys the tenant publishes, its issuer (the tenant, in the v2.0 or the v1.0 form), its audience
 * (the app ID URI or client id), its tenant and its validity window. nimbus-jose-jwt does the
 * verification; this class only chooses what is accepted and explains a refusal so that the caller
 * can fix it. The roles claim becomes the caller's {@link ApiRole}s.
 */
public final class EntraIdTokens {

    /** Entra ID's public cloud, where v1.0 tokens name their issuer on another host. */
    static final String PUBLIC_CLOUD_AUTHORITY = "https://login.microsoftonline.com";
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int MAX_KEY_SET_BYTES = 256 * 1024;
    /** How far a clock may be off; nimbus's default, named here because the messages rely on it. */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /** What a check decides: the roles of a valid token, or why it is refused and with which status. */
    public sealed interface Outcome permits Accepted, Refused {
    }

    /** @param roles the API's app roles among the token's roles claim (possibly none) */
    public record Accepted(Set<ApiRole> roles) implements Outcome {
        public Accepted {
            roles = Set.copyOf(roles);
        }
    }

    /** @param status 403 for the caller's token, 503 when the tenant's keys cannot be fetched */
    public record Refused(int status, String reason) implements Outcome {
    }

    private final String tenantId;
    private final List<String> audiences;
    private final Set<String> issuers;
    private final URL keySetUrl;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    /**
     * @param trust the TLS trust for the authority host when it is not a public one (the emulator);
     *     empty for the JDK's own
     */
    public EntraIdTokens(String tenantId, List<String> audiences, String authorityHost,
            Optional<SSLSocketFactory> trust) {
        this.tenantId = requireText(tenantId, "keymgmt.api.entra.tenant-id");
        if (audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("keymgmt.api.entra.audience needs the app ID URI and/or client id "
                    + "of the API's app registration");
        }
        this.audiences = List.copyOf(audiences);
        String host = requireText(authorityHost, "keymgmt.api.entra.authority-host").replaceFirst("/+$", "");
        this.issuers = host.equalsIgnoreCase(PUBLIC_CLOUD_AUTHORITY)
                ? Set.of(host + "/" + tenantId + "/v2.0", "https://sts.windows.net/" + tenantId + "/")
                : Set.of(host + "/" + tenantId + "/v2.0");
        try {
            this.keySetUrl = URI.create(host + "/" + tenantId + "/discovery/v2.0/keys").toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("keymgmt.api.entra.authority-host is not a URL: " + authorityHost, e);
        }
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS,
                MAX_KEY_SET_BYTES, true, trust.orElse(null));
        // Cached, refreshed when a token names a key not seen yet (Entra ID rolls its keys), rate limited.
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(keySetUrl, retriever)
                .retrying(true).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.copyOf(this.audiences),
                new JWTClaimsSet.Builder().claim("tid", tenantId).build(), Set.of("iss", "aud", "exp", "tid"),
                null));
    }

    public Outcome check(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return refused("the token is not an Entra ID access token (a JWT); " + howToGetOne());
        } catch (BadJWTException e) {
            return refused(explainClaims(token));
        } catch (BadJOSEException e) {
            return refused("the token's signature does not verify with the keys tenant " + tenantId + " publishes "
                    + "(a token of another tenant or cloud, or altered); " + howToGetOne());
        } catch (KeySourceException e) {
            return new Refused(503, "the signing keys of tenant " + tenantId + " could not be fetched from "
                    + keySetUrl + " (" + e.getMessage() + "); retry later");
        } catch (JOSEException e) {
            return refused("the token could not be verified: " + e.getMessage());
        }
        if (!issuers.contains(claims.getIssuer())) {
            return refused("the token was issued by " + claims.getIssuer() + "; this API accepts tokens issued by "
                    + String.join(" or ", issuers.stream().sorted().toList()));
        }
        Set<ApiRole> roles = EnumSet.noneOf(ApiRole.class);
        try {
            List<String> values = claims.getStringListClaim("roles");
            if (values != null) {
                values.forEach(v -> ApiRole.fromValue(v).ifPresent(roles::add));
            }
        } catch (ParseException e) {
            return refused("the token's roles claim is not a list of strings");
        }
        return new Accepted(roles);
    }

    /** Why the claims were refused, read from the token whose signature nimbus has already checked. */
    private String explainClaims(String token) {
        JWTClaimsSet claims;
        try {
            claims = JWTParser.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            return "the token's claims cannot be read; " + howToGetOne();
        }
        Instant now = Instant.now();
        Date expires = claims.getExpirationTime();
        if (expires != null && expires.toInstant().plus(CLOCK_SKEW).isBefore(now)) {
            return "the token expired at " + expires.toInstant() + "; get a new one: " + howToGetOne();
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().minus(CLOCK_SKEW).isAfter(now)) {
            return "the token is not valid before " + notBefore.toInstant() + "; check the clocks";
        }
        List<String> audience = claims.getAudience();
        if (audience.stream().noneMatch(audiences::contains)) {
            return "the token is for " + (audience.isEmpty() ? "no audience" : String.join(", ", audience))
                    + ", not for this API; " + howToGetOne();
        }
        Object tid = claims.getClaim("tid");
        if (!tenantId.equals(tid)) {
            return "the token is from tenant " + tid + "; this API accepts tenant " + tenantId;
        }
        return "the token lacks a claim this API needs (iss, aud, exp and tid); " + howToGetOne();
    }

    private String howToGetOne() {
        return "get one with az account get-access-token --resource " + audiences.get(0)
                + " --query accessToken -o tsv and send it in X-Vault-Token or Authorization: Bearer";
    }

    private static Refused refused(String reason) {
        return new Refused(403, reason);
    }

    private static String requireText(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is required with keymgmt.api.auth=entra-id");
        }
        return value.trim();
    }
}
