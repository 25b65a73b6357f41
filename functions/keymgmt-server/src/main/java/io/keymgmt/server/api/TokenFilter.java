package io.keymgmt.server.api;

import io.keymgmt.server.config.KeymgmtConfig;
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
 * Vault clients send) or as a bearer token. Fails closed: the configuration refuses to start in token
 * mode without a token.
 */
public class TokenFilter {

    @Inject
    KeymgmtConfig config;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireToken(ContainerRequestContext request) {
        if (config.api().auth() == KeymgmtConfig.AuthMode.PLATFORM) {
            return Optional.empty();
        }
        String path = request.getUriInfo().getPath();
        if (path.equals("/v1/sys/health")) {
            return Optional.empty();
        }
        String presented = request.getHeaderString("X-Vault-Token");
        if (presented == null) {
            String authorization = request.getHeaderString("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = authorization.substring(7).trim();
            }
        }
        String expected = config.api().token().orElse("");
        if (presented == null || expected.isEmpty() || !MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(VaultResponses.errors(403, List.of("permission denied")));
        }
        return Optional.empty();
    }
}
