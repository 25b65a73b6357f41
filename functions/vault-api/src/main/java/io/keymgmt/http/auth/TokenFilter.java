package io.keymgmt.http.auth;

import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.routes.RouteGate;
import io.keymgmt.http.vault.VaultResponses;
import jakarta.ws.rs.Priorities;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires the API token on every request but the health check, in the X-Vault-Token header (what
 * Vault clients send) or as a bearer token. Fails closed: start-up refuses token mode without a token
 * ({@link ApiTokenCheck}), and an empty expected token matches nothing.
 */
@ApplicationScoped
public class TokenFilter {

    private final boolean required;
    private final byte[] expected;

    private final RouteGate gate;

    @Inject
    public TokenFilter(KeymgmtConfig config, RouteGate gate) {
        this.required = config.api().auth() == KeymgmtConfig.AuthMode.TOKEN;
        this.expected = config.api().token().orElse("").getBytes(StandardCharsets.UTF_8);
        this.gate = gate;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        // Health is open, as Vault's is; the host's invocations of timer and queue functions carry no token.
        if (!required || path.equals(RouteGate.HEALTH) || gate.isHostInvocation(path)) {
            return Optional.empty();
        }
        String presented = request.getHeaderString("X-Vault-Token");
        if (presented == null) {
            String authorization = request.getHeaderString("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7).trim();
            }
        }
        if (presented == null || expected.length == 0
                || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected)) {
            return Optional.of(VaultResponses.errors(403, List.of("permission denied")));
        }
        return Optional.empty();
    }
}
