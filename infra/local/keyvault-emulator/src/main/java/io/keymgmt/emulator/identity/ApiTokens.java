package io.keymgmt.emulator.identity;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The access tokens for APIs registered in the directory, signed and carrying the principal's app
 * roles on the API, whether a client asks the token endpoint or a managed identity asks its
 * endpoint (as a Logic App calling an API with its identity does).
 */
public final class ApiTokens {

    private final Directory directory;
    private final ApiTokenSigner signer;
    private final String tenantId;
    private final String issuer;

    public ApiTokens(Directory directory, ApiTokenSigner signer, String tenantId, URI authorityHost) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.issuer = issuer(authorityHost, tenantId);
    }

    /** The issuer of the v2.0 tokens a tenant signs, as Entra ID names it. */
    public static String issuer(URI authorityHost, String tenantId) {
        return authorityHost + "/" + tenantId + "/v2.0";
    }

    /** A signed token when the resource names a registered API; empty for any other resource (Key Vault). */
    public Optional<String> forResource(Principal principal, String resource, Instant issuedAt, Instant expiresAt) {
        return directory.findApi(resource).map(api -> issue(principal, api, issuedAt, expiresAt));
    }

    public String issue(Principal principal, ApiRegistration api, Instant issuedAt, Instant expiresAt) {
        return signer.sign(new ApiTokenSigner.Claims(issuer, tenantId, principal, api,
                directory.appRolesOf(api, principal.clientId()), issuedAt, expiresAt));
    }

    /** The tenant's published key set, which verifies every token issued here. */
    public Map<String, Object> publicKeySet() {
        return signer.publicKeySet();
    }
}
