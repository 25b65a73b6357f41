package io.keymgmt.emulator.identity;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.keymgmt.emulator.http.Exchanges;

/**
 * The App Service managed-identity endpoint (what {@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER}
 * point at on Azure Functions): {@code GET /msi/token?resource=..&api-version=2019-08-01} with the
 * {@code X-IDENTITY-HEADER} secret, and optionally one of {@code client_id}, {@code principal_id} or
 * {@code mi_res_id} to pick a user-assigned identity.
 *
 * <p>Several Function App hosts may share this endpoint, each with its own header secret: the secret
 * says which host asks, and without a selector the token is for that host's system-assigned
 * identity. A selector may name any user-assigned identity (the emulator does not model which host
 * they are assigned to) or the host's own system-assigned identity, never another host's.
 */
public final class ManagedIdentityEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(ManagedIdentityEndpoint.class.getName());
    public static final String PATH = "/msi/token";
    static final String API_VERSION = "2019-08-01";
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3599);
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final Directory directory;
    private final TokenIssuer tokens;
    private final IdentityHeaders identityHeaders;
    private final ApiTokens apiTokens;

    public ManagedIdentityEndpoint(Directory directory, TokenIssuer tokens, IdentityHeaders identityHeaders,
            ApiTokens apiTokens) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.identityHeaders = Objects.requireNonNull(identityHeaders, "identityHeaders");
        this.apiTokens = Objects.requireNonNull(apiTokens, "apiTokens");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // A GET has no body, but one sent anyway must not be left on a kept-alive connection.
            try {
                Exchanges.readBody(exchange, MAX_BODY_BYTES);
            } catch (Exchanges.BodyTooLargeException e) {
                exchange.getResponseHeaders().set("Connection", "close");
                sendError(exchange, 413, "invalid_request", "The request body is too large: " + e.getMessage() + ".");
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "managed identity {0} {1}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath());
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                sendError(exchange, 404, "not_found", "The emulator's managed identity endpoint is GET " + PATH + ".");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                sendError(exchange, 405, "invalid_request", "The managed identity endpoint only accepts GET.");
                return;
            }
            String header = exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER");
            if (header == null || header.isEmpty()) {
                sendError(exchange, 400, "invalid_request", "The X-IDENTITY-HEADER header is missing. Send the value of "
                        + "the IDENTITY_HEADER environment variable in it.");
                return;
            }
            Optional<IdentityHeaders.Host> host = identityHeaders.match(header);
            if (host.isEmpty()) {
                sendError(exchange, 401, "unauthorized", "The X-IDENTITY-HEADER value is not this endpoint's secret. "
                        + "Send the value of the IDENTITY_HEADER environment variable the emulator announced, or the "
                        + "header configured for the host identity.");
                return;
            }
            Optional<Principal> ownIdentity = host.get().systemAssignedIdentity();
            Map<String, String> query = Exchanges.queryParameters(exchange);
            String apiVersion = query.get("api-version");
            if (!API_VERSION.equals(apiVersion)) {
                sendError(exchange, 400, "invalid_request", "api-version " + (apiVersion == null ? "is missing" : "'"
                        + apiVersion + "' is not supported") + "; the App Service protocol here accepts api-version="
                        + API_VERSION + ".");
                return;
            }
            String resource = query.get("resource");
            if (resource == null || resource.isBlank()) {
                sendError(exchange, 400, "invalid_request", "The 'resource' query parameter is missing; for Key Vault it "
                        + "is https://vault.azure.net.");
                return;
            }
            String clientId = nonBlank(query.get("client_id"));
            String principalId = nonBlank(query.get("principal_id"));
            if (principalId == null) {
                principalId = nonBlank(query.get("object_id"));
            }
            String resourceId = nonBlank(query.get("mi_res_id"));
            int selectors = (clientId == null ? 0 : 1) + (principalId == null ? 0 : 1) + (resourceId == null ? 0 : 1);
            if (selectors > 1) {
                sendError(exchange, 400, "invalid_request", "Only one of client_id, principal_id and mi_res_id may be "
                        + "given.");
                return;
            }
            Optional<Principal> identity;
            String asked;
            if (clientId != null) {
                identity = directory.findManagedIdentityByClientId(clientId);
                asked = "client_id '" + clientId + "'";
            } else if (principalId != null) {
                identity = directory.findManagedIdentityByObjectId(principalId);
                asked = "principal_id '" + principalId + "'";
            } else if (resourceId != null) {
                identity = directory.findManagedIdentityByResourceId(resourceId);
                asked = "mi_res_id '" + resourceId + "'";
            } else {
                identity = ownIdentity;
                asked = "the system-assigned identity";
            }
            if (identity.isEmpty()) {
                sendError(exchange, 400, "invalid_request", "No managed identity found for " + asked + ". Configure it in "
                        + "the emulator (systemAssignedIdentity, hostIdentities or userAssignedIdentities), or ask for "
                        + "one that is.");
                return;
            }
            Principal principal = identity.get();
            if (principal.kind() == Principal.Kind.SYSTEM_ASSIGNED_IDENTITY && !isSame(principal, ownIdentity)) {
                // On Azure a host cannot get tokens for another app's system-assigned identity either.
                sendError(exchange, 400, "invalid_request", "No managed identity found for " + asked + " on this host: "
                        + "it is the system-assigned identity of another host. Send that host's X-IDENTITY-HEADER, or "
                        + "ask without client_id, principal_id and mi_res_id for this host's own identity.");
                return;
            }
            Instant now = tokens.now();
            Instant expiresAt = now.plus(TOKEN_LIFETIME);
            String token = apiTokens.forResource(principal, resource, now, expiresAt)
                    .orElseGet(() -> tokens.issue(principal, resource, TOKEN_LIFETIME).value());
            ObjectNode reply = Exchanges.JSON.createObjectNode();
            reply.put("access_token", token);
            reply.put("expires_on", Long.toString(expiresAt.getEpochSecond()));
            reply.put("resource", resource);
            reply.put("token_type", "Bearer");
            reply.put("client_id", principal.clientId());
            Exchanges.sendJson(exchange, 200, reply);
        }
    }

    private static boolean isSame(Principal principal, Optional<Principal> other) {
        return other.isPresent() && other.get().clientId().equalsIgnoreCase(principal.clientId());
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Both App Service's error shape (statusCode/message) and OAuth's (error/error_description), so any client shows it. */
    private static void sendError(HttpExchange exchange, int status, String error, String message) throws IOException {
        ObjectNode body = Exchanges.JSON.createObjectNode();
        body.put("statusCode", status);
        body.put("message", message);
        body.put("error", error);
        body.put("error_description", message);
        Exchanges.sendJson(exchange, status, body);
    }
}
