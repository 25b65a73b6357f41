package io.keymgmt.emulator.identity;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.keymgmt.emulator.http.Exchanges;

/**
 * The Entra ID (Azure AD v2) endpoints a confidential client uses: the client-credentials token
 * endpoint and the discovery documents MSAL may read first. Errors carry Entra ID's AADSTS codes so
 * that a misconfigured credential fails here the way it fails against the real authority.
 */
public final class EntraIdEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(EntraIdEndpoint.class.getName());
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3599);
    private static final int MAX_FORM_BYTES = 64 * 1024;
    private static final String DEFAULT_SCOPE_SUFFIX = "/.default";
    private static final List<String> OIDC_SCOPES = List.of("openid", "profile", "offline_access", "email");

    private final String tenantId;
    private final Directory directory;
    private final TokenIssuer tokens;
    private final ApiTokens apiTokens;
    private final URI authorityHost;

    /**
     * @param apiTokens the tokens for registered APIs, and the key set that verifies them
     * @param authorityHost this endpoint's own address, which its discovery documents name
     */
    public EntraIdEndpoint(String tenantId, Directory directory, TokenIssuer tokens, ApiTokens apiTokens,
            URI authorityHost) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.apiTokens = Objects.requireNonNull(apiTokens, "apiTokens");
        this.authorityHost = Objects.requireNonNull(authorityHost, "authorityHost");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // Read before any reply, so that no body is left on a kept-alive connection.
            byte[] body;
            try {
                body = Exchanges.readBody(exchange, MAX_FORM_BYTES);
            } catch (Exchanges.BodyTooLargeException e) {
                exchange.getResponseHeaders().set("Connection", "close");
                sendError(exchange, 413, "invalid_request", 90023, "The request body is too large: " + e.getMessage()
                        + ".");
                return;
            }
            String[] segments = exchange.getRequestURI().getPath().replaceFirst("^/", "").split("/");
            String method = exchange.getRequestMethod();
            String path = String.join("/", segments);
            LOG.log(System.Logger.Level.DEBUG, "Entra ID {0} /{1}", method, path);
            if (segments.length == 4 && "oauth2".equals(segments[1]) && "v2.0".equals(segments[2])
                    && "token".equals(segments[3])) {
                if (!"POST".equals(method)) {
                    sendError(exchange, 405, "invalid_request", 900561,
                            "The endpoint only accepts POST requests. Received a " + method + " request.");
                    return;
                }
                token(exchange, segments[0], body);
            } else if (segments.length == 4 && "v2.0".equals(segments[1]) && ".well-known".equals(segments[2])
                    && "openid-configuration".equals(segments[3])) {
                openIdConfiguration(exchange, segments[0]);
            } else if (segments.length == 3 && "discovery".equals(segments[1]) && "instance".equals(segments[2])) {
                instanceDiscovery(exchange);
            } else if (segments.length == 4 && "discovery".equals(segments[1]) && "v2.0".equals(segments[2])
                    && "keys".equals(segments[3])) {
                // Key Vault tokens are opaque; the keys verify the tokens of registered APIs.
                Exchanges.sendJson(exchange, 200, Exchanges.JSON.valueToTree(apiTokens.publicKeySet()));
            } else {
                sendError(exchange, 404, "invalid_request", 900561, "The emulator's Entra ID endpoint does not serve /"
                        + path + ". It serves POST /{tenant}/oauth2/v2.0/token, GET /{tenant}/v2.0/.well-known/"
                        + "openid-configuration, GET /{tenant}/discovery/v2.0/keys and GET /common/discovery/instance.");
            }
        }
    }

    private void token(HttpExchange exchange, String requestedTenant, byte[] body) throws IOException {
        Map<String, String> form = Exchanges.decodePairs(new String(body, StandardCharsets.UTF_8));
        if (!tenantId.equalsIgnoreCase(requestedTenant)) {
            sendError(exchange, 400, "invalid_request", 90002, "Tenant '" + requestedTenant + "' not found. Check to make "
                    + "sure you have the correct tenant ID and are signing into the correct cloud. The emulator's "
                    + "tenant is '" + tenantId + "'.");
            return;
        }
        String grantType = form.get("grant_type");
        if (isBlank(grantType)) {
            sendMissingParameter(exchange, "grant_type");
            return;
        }
        if (!"client_credentials".equals(grantType)) {
            sendError(exchange, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + grantType + "'. The emulator supports only 'client_credentials'.");
            return;
        }
        String clientId = form.get("client_id");
        if (isBlank(clientId)) {
            sendMissingParameter(exchange, "client_id");
            return;
        }
        String scope = form.get("scope");
        if (isBlank(scope)) {
            sendMissingParameter(exchange, "scope");
            return;
        }
        List<String> resourceScopes = new ArrayList<>();
        for (String s : scope.trim().split("\\s+")) {
            if (!OIDC_SCOPES.contains(s.toLowerCase(Locale.ROOT))) {
                resourceScopes.add(s);
            }
        }
        if (resourceScopes.size() != 1 || !resourceScopes.get(0).endsWith(DEFAULT_SCOPE_SUFFIX)
                || resourceScopes.get(0).length() == DEFAULT_SCOPE_SUFFIX.length()) {
            sendError(exchange, 400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid. "
                    + "Client credential flows must have a scope value with /.default suffixed to the resource "
                    + "identifier (application ID URI), for example https://vault.azure.net/.default.");
            return;
        }
        String resource = resourceScopes.get(0).substring(0,
                resourceScopes.get(0).length() - DEFAULT_SCOPE_SUFFIX.length());
        String secret = form.get("client_secret");
        if (isBlank(secret)) {
            sendError(exchange, 401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                    + "'client_assertion' or 'client_secret'.");
            return;
        }
        switch (directory.checkClientSecret(clientId, secret)) {
            case UNKNOWN_CLIENT -> sendError(exchange, 400, "unauthorized_client", 700016, "Application with identifier '"
                    + clientId + "' was not found in the directory '" + tenantId + "'. This can happen if the "
                    + "application has not been installed by the administrator of the tenant or consented to by any "
                    + "user in the tenant. You may have sent your authentication request to the wrong tenant.");
            case NOT_A_SERVICE_PRINCIPAL -> sendError(exchange, 401, "invalid_client", 7000215, "Invalid client secret "
                    + "provided: '" + clientId + "' is a managed identity, which has no client secret. Use the managed "
                    + "identity endpoint for it.");
            case WRONG_SECRET -> sendError(exchange, 401, "invalid_client", 7000215, "Invalid client secret provided. "
                    + "Ensure the secret being sent in the request is the client secret value, not the client secret "
                    + "ID, for a secret added to app '" + clientId + "'.");
            case ACCEPTED -> {
                Principal principal = directory.findByClientId(clientId).orElseThrow();
                Instant now = tokens.now();
                String token = apiTokens.forResource(principal, resource, now, now.plus(TOKEN_LIFETIME))
                        .orElseGet(() -> tokens.issue(principal, resource, TOKEN_LIFETIME).value());
                ObjectNode reply = Exchanges.JSON.createObjectNode();
                reply.put("token_type", "Bearer");
                reply.put("expires_in", TOKEN_LIFETIME.toSeconds());
                reply.put("ext_expires_in", TOKEN_LIFETIME.toSeconds());
                reply.put("access_token", token);
                Exchanges.sendJson(exchange, 200, reply, Map.of("Cache-Control", "no-store", "Pragma", "no-cache"));
            }
            default -> throw new IllegalStateException();
        }
    }

    private void openIdConfiguration(HttpExchange exchange, String requestedTenant) throws IOException {
        boolean known = tenantId.equalsIgnoreCase(requestedTenant) || "common".equals(requestedTenant)
                || "organizations".equals(requestedTenant);
        if (!known) {
            sendError(exchange, 400, "invalid_tenant", 90002, "Tenant '" + requestedTenant + "' not found. The emulator's "
                    + "tenant is '" + tenantId + "'.");
            return;
        }
        String base = authorityHost + "/" + requestedTenant;
        ObjectNode doc = Exchanges.JSON.createObjectNode();
        doc.put("token_endpoint", base + "/oauth2/v2.0/token");
        doc.set("token_endpoint_auth_methods_supported", strings("client_secret_post", "client_secret_basic"));
        doc.put("jwks_uri", base + "/discovery/v2.0/keys");
        doc.set("response_modes_supported", strings("query", "fragment", "form_post"));
        doc.set("subject_types_supported", strings("pairwise"));
        doc.set("id_token_signing_alg_values_supported", strings("RS256"));
        doc.set("response_types_supported", strings("code", "id_token", "code id_token", "id_token token"));
        doc.set("scopes_supported", strings("openid", "profile", "email", "offline_access"));
        doc.put("issuer", ApiTokens.issuer(authorityHost, "common".equals(requestedTenant)
                || "organizations".equals(requestedTenant) ? "{tenantid}" : tenantId));
        doc.put("request_uri_parameter_supported", false);
        doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        doc.put("device_authorization_endpoint", base + "/oauth2/v2.0/devicecode");
        doc.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
        doc.put("tenant_region_scope", (String) null);
        doc.put("cloud_instance_name", authorityHost.getHost());
        Exchanges.sendJson(exchange, 200, doc);
    }

    private void instanceDiscovery(HttpExchange exchange) throws IOException {
        String hostAndPort = authorityHost.getAuthority();
        ObjectNode doc = Exchanges.JSON.createObjectNode();
        doc.put("tenant_discovery_endpoint", authorityHost + "/" + tenantId + "/v2.0/.well-known/openid-configuration");
        doc.put("api-version", "1.1");
        ObjectNode metadata = Exchanges.JSON.createObjectNode();
        metadata.put("preferred_network", hostAndPort);
        metadata.put("preferred_cache", hostAndPort);
        metadata.set("aliases", strings(hostAndPort));
        doc.set("metadata", Exchanges.JSON.createArrayNode().add(metadata));
        Exchanges.sendJson(exchange, 200, doc);
    }

    private void sendMissingParameter(HttpExchange exchange, String name) throws IOException {
        sendError(exchange, 400, "invalid_request", 900144,
                "The request body must contain the following parameter: '" + name + "'.");
    }

    private void sendError(HttpExchange exchange, int status, String error, int code, String description)
            throws IOException {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        Instant now = tokens.now();
        ObjectNode body = Exchanges.JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + traceId
                + " Correlation ID: " + correlationId + " Timestamp: " + now);
        body.set("error_codes", Exchanges.JSON.createArrayNode().add(code));
        body.put("timestamp", now.toString());
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        Exchanges.sendJson(exchange, status, body);
    }

    private static ArrayNode strings(String... values) {
        ArrayNode array = Exchanges.JSON.createArrayNode();
        for (String v : values) {
            array.add(v);
        }
        return array;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
