package io.keymgmt.emulator.vault;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import io.keymgmt.emulator.http.Exchanges;
import io.keymgmt.emulator.identity.Principal;
import io.keymgmt.emulator.identity.TokenIssuer;

/**
 * One vault's REST API. Every request goes through the same gates in the same order: a known
 * operation, a supported api-version, a bearer token this emulator issued for the vault's resource
 * (else the 401 challenge the SDK expects), a valid key name, the access-policy permission (else
 * Key Vault's 403 naming it), the create throttle; only then is the body read and the operation run.
 */
public final class VaultEndpoint implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(VaultEndpoint.class.getName());
    private static final Pattern KEY_NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");
    /** Comfortably above the largest BYOK import (RSA-4096 target under an RSA-4096 KEK, about 6 KB). */
    private static final int MAX_BODY_BYTES = 256 * 1024;

    private final Vault vault;
    private final TokenIssuer tokens;
    private final String tenantId;
    private final String resource;
    private final String challenge;

    /**
     * @param authorityHost where clients get tokens; announced in the challenge with the tenant
     * @param resource the token audience this vault requires and announces
     */
    public VaultEndpoint(Vault vault, TokenIssuer tokens, String tenantId, URI authorityHost, String resource) {
        this.vault = Objects.requireNonNull(vault, "vault");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.resource = TokenIssuer.normalizeResource(resource);
        this.challenge = "Bearer authorization=\"" + authorityHost + "/" + tenantId + "\", resource=\"" + this.resource
                + "\"";
    }

    private record Reply(int status, ObjectNode body, Map<String, String> headers) {
        static Reply ok(ObjectNode body) {
            return new Reply(200, body, Map.of());
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                // Always read the whole body first, even for a request refused at the first gate: a body
                // left unread on a kept-alive connection can be taken for the start of the next request.
                reply = serve(exchange, Exchanges.readBody(exchange, MAX_BODY_BYTES));
            } catch (KeyVaultException e) {
                reply = new Reply(e.status(), errorBody(e.code(), e.getMessage(), e.innerCode()), e.headers());
            } catch (Exchanges.BodyTooLargeException e) {
                reply = new Reply(413, errorBody("RequestBodyTooLarge", "The request body is too large: "
                        + e.getMessage() + ".", null), Map.of("Connection", "close"));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "vault " + vault.name() + " failed on " + exchange.getRequestMethod()
                        + " " + exchange.getRequestURI().getPath(), e);
                reply = new Reply(500, errorBody("InternalError", "The emulator failed on this request: "
                        + e.getClass().getSimpleName() + ". This is a bug in the emulator.", null), Map.of());
            }
            LOG.log(System.Logger.Level.DEBUG, "vault {0}: {1} {2} -> {3}", vault.name(), exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(), reply.status());
            if (reply.body() == null) {
                reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                Exchanges.sendEmpty(exchange, reply.status());
            } else {
                Exchanges.sendJson(exchange, reply.status(), reply.body(), reply.headers());
            }
        }
    }

    private Reply serve(HttpExchange exchange, byte[] body) {
        KeyRoute route = KeyRoute.parse(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
        ApiVersions.check(Exchanges.queryParameters(exchange).get("api-version"));
        Principal principal = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (route.keyName() != null && !KEY_NAME.matcher(route.keyName()).matches()) {
            throw KeyVaultException.badParameter("The key name '" + route.keyName() + "' is invalid: key names are 1 to "
                    + "127 characters of 0-9, a-z, A-Z and '-'.");
        }
        authorize(principal, route.operation().permission());
        if (route.operation() == KeyRoute.Operation.CREATE || route.operation() == KeyRoute.Operation.IMPORT) {
            throttle();
        }
        String name = route.keyName();
        return switch (route.operation()) {
            case CREATE -> create(name, KeyRequests.create(KeyRequests.parseObject(body)));
            case IMPORT -> importKey(name, KeyRequests.importKey(KeyRequests.parseObject(body)));
            case GET -> Reply.ok(KeyBundles.keyBundle(vault.url(), vault.version(name, route.version())));
            case LIST -> Reply.ok(KeyBundles.page(vault.latestVersions().stream()
                    .map(v -> KeyBundles.keyItem(vault.url(), v, false)).toList()));
            case LIST_VERSIONS -> Reply.ok(KeyBundles.page(vault.versions(name).stream()
                    .map(v -> KeyBundles.keyItem(vault.url(), v, true)).toList()));
            case UPDATE -> Reply.ok(KeyBundles.keyBundle(vault.url(),
                    vault.update(name, route.version(), KeyRequests.update(KeyRequests.parseObject(body)))));
            case DELETE -> Reply.ok(KeyBundles.deletedKeyBundle(vault.url(), vault.delete(name)));
            case GET_DELETED -> Reply.ok(KeyBundles.deletedKeyBundle(vault.url(), vault.deletedKey(name)));
            case LIST_DELETED -> Reply.ok(KeyBundles.page(vault.deletedKeys().stream()
                    .map(d -> KeyBundles.deletedKeyItem(vault.url(), d)).toList()));
            case RECOVER -> Reply.ok(KeyBundles.keyBundle(vault.url(), vault.recover(name)));
            case PURGE -> {
                vault.purge(name);
                yield new Reply(204, null, Map.of());
            }
            case WRAP_KEY, UNWRAP_KEY, ENCRYPT, DECRYPT, SIGN -> crypto(route, KeyRequests.crypto(KeyRequests.parseObject(body)));
        };
    }

    private Principal authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
        }
        TokenIssuer.IssuedToken token = tokens.find(authorization.substring(7).trim()).orElseThrow(() ->
                // The AKV number for an unknown token is the emulator's choice; the message says what to do.
                unauthorized("AKV10001: The bearer token is not valid here: no emulator in this process issued it "
                        + "(or it was issued to a principal this emulator does not have). Get a token from the "
                        + "emulator's Entra ID or managed identity endpoint."));
        if (!tenantId.equalsIgnoreCase(token.tenantId())) {
            throw unauthorized("AKV10032: Invalid issuer. Expected one of https://sts.windows.net/" + tenantId
                    + "/, found https://sts.windows.net/" + token.tenantId() + "/.");
        }
        if (token.isExpiredAt(tokens.now())) {
            throw unauthorized("AKV10013: Token has expired at " + token.expiresAt() + ". Get a new token.");
        }
        if (!resource.equals(token.resource())) {
            throw unauthorized("AKV10022: Invalid audience. Expected " + resource + ", found: " + token.resource() + ".");
        }
        return token.principal();
    }

    private KeyVaultException unauthorized(String message) {
        return new KeyVaultException(401, "Unauthorized", message, null, Map.of("WWW-Authenticate", challenge));
    }

    private void authorize(Principal principal, KeyPermission permission) {
        if (!vault.accessPolicy().allows(principal.clientId(), permission)) {
            throw KeyVaultException.forbidden("The user, group or application 'appid=" + principal.clientId() + ";oid="
                    + principal.objectId() + ";iss=https://sts.windows.net/" + tenantId + "/' does not have keys "
                    + permission.azureName() + " permission on key vault '" + vault.name() + ";location="
                    + vault.location() + "'. For help resolving this issue, please see "
                    + "https://go.microsoft.com/fwlink/?linkid=2125287", "AccessDenied");
        }
    }

    private void throttle() {
        OptionalLong retryAfter = vault.admitCreate();
        if (retryAfter.isPresent()) {
            throw new KeyVaultException(429, "Throttled", "Operations per second limit reached for vault '" + vault.name()
                    + "': key create/import calls are limited per 10 seconds. Retry after " + retryAfter.getAsLong()
                    + " seconds.", null, Map.of("Retry-After", Long.toString(retryAfter.getAsLong())));
        }
    }

    private Reply create(String name, KeyRequests.Create request) {
        vault.checkNameUsable(name);
        RSAPrivateCrtKey key = RsaKeyMaterial.generate(request.keySize());
        return Reply.ok(KeyBundles.keyBundle(vault.url(), vault.addVersion(name, request.kty(), request.keyOps(), key,
                request.attributes(), request.tags())));
    }

    private Reply importKey(String name, KeyRequests.Import request) {
        vault.checkNameUsable(name);
        RSAPrivateCrtKey key;
        String kty;
        if (request.keyHsm() != null) {
            if (!KeyVersion.RSA_HSM.equals(request.kty())) {
                throw KeyVaultException.badParameter("key.key_hsm (a BYOK transfer blob) is accepted only with kty "
                        + "RSA-HSM; this request has kty " + request.kty() + ".");
            }
            key = unwrapTransferBlob(KeyTransferBlob.parse(request.keyHsm()));
            kty = KeyVersion.RSA_HSM;
        } else {
            if (KeyVersion.RSA_HSM.equals(request.kty())) {
                throw KeyVaultException.badParameter("kty RSA-HSM requires key.key_hsm, a BYOK transfer blob wrapped "
                        + "under a KEK of this vault. To import a plain private JWK as HSM-protected, send kty RSA "
                        + "with \"Hsm\": true.");
            }
            key = RsaKeyMaterial.fromJwk(request.jwk());
            kty = request.hsm() ? KeyVersion.RSA_HSM : KeyVersion.RSA;
        }
        return Reply.ok(KeyBundles.keyBundle(vault.url(), vault.addVersion(name, kty, request.keyOps(), key,
                request.attributes(), request.tags())));
    }

    /** Checks that header.kid names an enabled import-only RSA-HSM key of this vault, then unwraps with it. */
    private RSAPrivateCrtKey unwrapTransferBlob(KeyTransferBlob blob) {
        URI kid;
        try {
            kid = new URI(blob.kid());
        } catch (URISyntaxException e) {
            throw KeyVaultException.badParameter("The BYOK blob's header.kid '" + blob.kid() + "' is not a URL; it must "
                    + "be the versioned key id of a KEK in this vault, " + vault.url() + "/keys/{name}/{version}.");
        }
        URI here = vault.url();
        String[] path = kid.getPath() == null ? new String[0] : kid.getPath().replaceFirst("^/", "").split("/", -1);
        boolean sameVault = "https".equalsIgnoreCase(kid.getScheme()) && here.getHost().equalsIgnoreCase(kid.getHost())
                && here.getPort() == kid.getPort();
        if (!sameVault || path.length < 2 || !"keys".equals(path[0])) {
            throw KeyVaultException.badParameter("The BYOK blob's header.kid " + blob.kid() + " is not a key of this "
                    + "vault (" + here + "); the KEK must be created in the vault the key is imported into.");
        }
        if (path.length != 3 || path[2].isEmpty()) {
            throw KeyVaultException.badParameter("The BYOK blob's header.kid " + blob.kid() + " has no version; it "
                    + "must be the versioned KEK id, " + here + "/keys/{name}/{version}.");
        }
        KeyVersion kek = vault.findVersion(path[1], path[2]);
        if (kek == null) {
            throw KeyVaultException.badParameter("The BYOK blob's header.kid " + blob.kid() + " names a key version "
                    + "that does not exist in this vault.");
        }
        if (!kek.isHsm()) {
            throw KeyVaultException.badParameter("The KEK " + blob.kid() + " is kty " + kek.kty() + "; a key exchange "
                    + "key must be an RSA-HSM key created with key_ops [\"import\"].");
        }
        if (!kek.keyOps().equals(List.of("import"))) {
            throw KeyVaultException.badParameter("The KEK " + blob.kid() + " has key_ops " + kek.keyOps() + "; a key "
                    + "exchange key must have exactly [\"import\"] (an import-only KEK).");
        }
        if (!kek.enabled()) {
            throw KeyVaultException.badParameter("The KEK version " + blob.kid() + " is disabled; enable it or create a "
                    + "new KEK.");
        }
        byte[] pkcs8 = CkmRsaAesKeyWrap.unwrap(kek.privateKey(), blob.ciphertext());
        try {
            return RsaKeyMaterial.fromPkcs8(pkcs8);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private Reply crypto(KeyRoute route, KeyRequests.Crypto request) {
        KeyVersion key = vault.version(route.keyName(), route.version());
        String operation = route.operation().keyOperation();
        if (!key.enabled()) {
            throw KeyVaultException.forbidden("Operation " + operation + " is not allowed on a disabled key.",
                    "KeyDisabled");
        }
        long now = vault.now();
        if (key.notBefore() != null && now < key.notBefore()) {
            throw KeyVaultException.forbidden("Operation " + operation + " is not allowed before the key's activation "
                    + "date (nbf).", "KeyNotYetValid");
        }
        if (key.expires() != null && now >= key.expires()) {
            throw KeyVaultException.forbidden("Operation " + operation + " is not allowed on an expired key.",
                    "KeyExpired");
        }
        if (!key.keyOps().contains(operation)) {
            throw KeyVaultException.forbidden("Operation " + operation + " is not permitted by this key's key_ops "
                    + key.keyOps() + ".", "KeyOperationForbidden");
        }
        byte[] result = switch (route.operation()) {
            case WRAP_KEY, ENCRYPT -> KeyCryptography.encrypt(key, request.algorithm(), request.value());
            case UNWRAP_KEY, DECRYPT -> KeyCryptography.decrypt(key, request.algorithm(), request.value());
            case SIGN -> KeyCryptography.sign(key, request.algorithm(), request.value());
            default -> throw new IllegalStateException("not a cryptographic operation: " + route.operation());
        };
        ObjectNode reply = Exchanges.JSON.createObjectNode();
        reply.put("kid", KeyBundles.kid(vault.url(), key));
        reply.put("value", Base64Values.encode(result));
        Arrays.fill(result, (byte) 0);
        Arrays.fill(request.value(), (byte) 0);
        return Reply.ok(reply);
    }

    private static ObjectNode errorBody(String code, String message, String innerCode) {
        ObjectNode body = Exchanges.JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (innerCode != null) {
            error.putObject("innererror").put("code", innerCode);
        }
        return body;
    }
}
