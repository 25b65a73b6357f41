package io.keymgmt.http.auth;

import io.keymgmt.http.routes.ApiRole;
import io.keymgmt.http.vault.VaultResponses;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The app roles the authentication filter found for a request's caller, kept on the request for the
 * route gate, which alone knows the route and so the role it needs. Fails closed: a request the
 * filter did not authenticate holds no role.
 */
public final class CallerRoles {

    private static final String PROPERTY = CallerRoles.class.getName();
    /** What a caller holds when the API's own token or the platform authenticated it: every role. */
    static final Set<ApiRole> ALL = Set.copyOf(EnumSet.allOf(ApiRole.class));

    private CallerRoles() {
    }

    /** The property's value: typed, so nothing else set under the name can pass for roles. */
    private record Granted(Set<ApiRole> roles) {
    }

    static void grant(ContainerRequestContext request, Set<ApiRole> roles) {
        request.setProperty(PROPERTY, new Granted(Set.copyOf(roles)));
    }

    /** A 403 naming the role the caller lacks, or empty when it holds that role or one above it. */
    public static Optional<Response> refuseWithout(ContainerRequestContext request, ApiRole needed) {
        Set<ApiRole> held = request.getProperty(PROPERTY) instanceof Granted granted ? granted.roles() : Set.of();
        if (held.stream().anyMatch(role -> role.includes(needed))) {
            return Optional.empty();
        }
        List<String> names = held.stream().map(ApiRole::value).sorted().toList();
        return Optional.of(VaultResponses.errors(403, List.of("permission denied: this needs the " + needed.value()
                + " app role of the API's app registration (or one above it: reader, operator, admin); the "
                + "token has " + (names.isEmpty() ? "no role of this API" : String.join(", ", names))
                + ". An administrator assigns app roles in Entra ID (Enterprise applications).")));
    }
}
