package io.keymgmt.http.auth;

import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.config.KeymgmtConfig.AuthMode;
import io.keymgmt.http.routes.RouteGate;
import io.keymgmt.http.vault.VaultResponses;
import io.keymgmt.transport.AzureHttpClients;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request but the health check, from the token in the X-Vault-Token header (what
 * Vault clients send) or a bearer token: in token mode the API's own token, in entra-id mode an Entra
 * ID access token whose app roles the route gate then checks. Fails closed: start-up refuses a mode
 * that cannot work (here for entra-id, which is built at start-up for that reason; {@link ApiTokenCheck}
 * for token mode), and an empty expected token matches nothing.
 */
@ApplicationScoped
@Startup
public class TokenFilter {

    private final AuthMode mode;
    private final byte[] expected;
    private final Optional<EntraIdTokens> entraId;
    private final RouteGate gate;

    @Inject
    public TokenFilter(KeymgmtConfig config, RouteGate gate) {
        this.mode = config.api().auth();
        this.expected = config.api().token().orElse("").getBytes(StandardCharsets.UTF_8);
        this.entraId = mode == AuthMode.ENTRA_ID ? Optional.of(entraIdTokens(config)) : Optional.empty();
        this.gate = gate;
    }

    /** @throws ConfigurationException naming a missing or malformed setting, so start-up stops with one line */
    private static EntraIdTokens entraIdTokens(KeymgmtConfig config) {
        KeymgmtConfig.Entra entra = config.api().entra();
        try {
            return new EntraIdTokens(entra.tenantId().orElse(null), entra.audience().orElse(List.of()),
                    entra.authorityHost(), config.azure().trustCertificates()
                            .map(pem -> AzureHttpClients.sslContextTrusting(pem).getSocketFactory()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() + " (KEYMGMT_API_ENTRA_TENANT_ID, "
                    + "KEYMGMT_API_ENTRA_AUDIENCE)");
        }
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        // Health is open, as Vault's is; the host's invocations of timer and queue functions carry no token.
        if (path.equals(RouteGate.HEALTH) || gate.isHostInvocation(path)) {
            return Optional.empty();
        }
        if (mode == AuthMode.PLATFORM) {
            CallerRoles.grant(request, CallerRoles.ALL);
            return Optional.empty();
        }
        Optional<String> presented = presentedToken(request);
        if (entraId.isPresent()) {
            if (presented.isEmpty()) {
                return Optional.of(denied(403, "no token: send an Entra ID access token for this API in "
                        + "X-Vault-Token or Authorization: Bearer"));
            }
            EntraIdTokens.Outcome outcome = entraId.get().check(presented.get());
            if (outcome instanceof EntraIdTokens.Refused refused) {
                return Optional.of(denied(refused.status(), refused.reason()));
            }
            CallerRoles.grant(request, ((EntraIdTokens.Accepted) outcome).roles());
            return Optional.empty();
        }
        if (presented.isEmpty() || expected.length == 0
                || !MessageDigest.isEqual(presented.get().getBytes(StandardCharsets.UTF_8), expected)) {
            return Optional.of(VaultResponses.errors(403, List.of("permission denied")));
        }
        CallerRoles.grant(request, CallerRoles.ALL);
        return Optional.empty();
    }

    private static Optional<String> presentedToken(ContainerRequestContext request) {
        String vaultToken = request.getHeaderString("X-Vault-Token");
        if (vaultToken != null) {
            return Optional.of(vaultToken.trim());
        }
        String authorization = request.getHeaderString("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(authorization.substring(7).trim());
        }
        return Optional.empty();
    }

    private static Response denied(int status, String reason) {
        return VaultResponses.errors(status, List.of(status == 403 ? "permission denied: " + reason : reason));
    }
}
