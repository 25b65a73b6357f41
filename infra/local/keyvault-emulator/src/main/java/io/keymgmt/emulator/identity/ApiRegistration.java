package io.keymgmt.emulator.identity;

import java.util.Objects;

/**
 * An API's app registration: the application ID URI a client asks a token for (api://...) and the
 * application (client) id that Entra ID puts in the audience of the v2.0 access tokens it issues.
 */
public record ApiRegistration(String appIdUri, String clientId) {

    public ApiRegistration {
        Objects.requireNonNull(appIdUri, "appIdUri");
        Objects.requireNonNull(clientId, "clientId");
        if (appIdUri.isBlank() || clientId.isBlank()) {
            throw new IllegalArgumentException("an API registration needs an app ID URI and a client id");
        }
    }

    /** Whether a requested resource (the scope without /.default) names this API. */
    public boolean isNamedBy(String resource) {
        String r = TokenIssuer.normalizeResource(resource);
        return r.equalsIgnoreCase(TokenIssuer.normalizeResource(appIdUri)) || r.equalsIgnoreCase(clientId);
    }
}
