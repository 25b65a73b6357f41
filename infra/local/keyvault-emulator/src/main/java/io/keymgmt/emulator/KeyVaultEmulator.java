package io.keymgmt.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;

import io.keymgmt.emulator.http.Listeners;
import io.keymgmt.emulator.identity.ApiRegistration;
import io.keymgmt.emulator.identity.ApiTokenSigner;
import io.keymgmt.emulator.identity.ApiTokens;
import io.keymgmt.emulator.identity.Directory;
import io.keymgmt.emulator.identity.EntraIdEndpoint;
import io.keymgmt.emulator.identity.IdentityHeaders;
import io.keymgmt.emulator.identity.ManagedIdentityEndpoint;
import io.keymgmt.emulator.identity.Principal;
import io.keymgmt.emulator.identity.TokenIssuer;
import io.keymgmt.emulator.tls.LocalCertificateAuthority;
import io.keymgmt.emulator.vault.AccessPolicy;
import io.keymgmt.emulator.vault.KeyPermission;
import io.keymgmt.emulator.vault.Vault;
import io.keymgmt.emulator.vault.VaultEndpoint;

/**
 * A local stand-in for Azure Key Vault and the Entra ID endpoints that issue its tokens, for
 * development and tests. The unmodified Azure SDK talks to it once it is given the vault URL, the
 * authority host, trust in {@link #caCertificate()} and (because the challenge names the emulator's
 * resource, not the vault's host) {@code disableChallengeResourceVerification()}.
 *
 * <p>Listeners, all on 127.0.0.1: one HTTPS port per vault (the SDK reads key names from the kid
 * path, so vaults cannot share a port under path prefixes), one HTTPS port for Entra ID, one plain
 * HTTP port for the App Service managed-identity protocol. State is in memory and lost on close.
 */
public final class KeyVaultEmulator implements AutoCloseable {

    private static final int WORKER_THREADS = 8;
    private static final int WORKER_QUEUE = 256;

    private final EmulatorConfig config;
    private final LocalCertificateAuthority authority;
    private final TokenIssuer tokens;
    private final Directory directory;
    private final String identityHeader;
    private final ExecutorService workers;
    private final List<HttpServer> listeners = new ArrayList<>();
    private final Map<String, Vault> vaults = new LinkedHashMap<>();
    private final ApiTokenSigner signer = new ApiTokenSigner();
    private ApiTokens apiTokens;
    private URI authorityHost;
    private URI managedIdentityEndpoint;
    private boolean closed;

    private KeyVaultEmulator(EmulatorConfig config) {
        this.config = config;
        this.authority = LocalCertificateAuthority.create();
        this.directory = directory(config);
        this.tokens = new TokenIssuer(config.tenantId(), directory, config.clock());
        this.identityHeader = config.managedIdentityHeader().orElseGet(KeyVaultEmulator::randomSecret);
        this.workers = Listeners.workerPool(WORKER_THREADS, WORKER_QUEUE);
    }

    /** Starts every listener; on any failure, stops what was started and throws. */
    public static KeyVaultEmulator start(EmulatorConfig config) {
        KeyVaultEmulator emulator = new KeyVaultEmulator(config);
        try {
            emulator.listen();
            config.caCertificatePemFile().ifPresent(emulator::writeCaCertificatePem);
            return emulator;
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
    }

    private void listen() {
        SSLContext tls = authority.serverContext();

        HttpsServer entraListener = bind("the Entra ID endpoint", 0, port -> Listeners.https(port, tls, workers));
        authorityHost = URI.create("https://127.0.0.1:" + entraListener.getAddress().getPort());
        apiTokens = new ApiTokens(directory, signer, config.tenantId(), authorityHost);
        entraListener.createContext("/", new EntraIdEndpoint(config.tenantId(), directory, tokens, apiTokens,
                authorityHost));

        HttpServer miListener = bind("the managed identity endpoint", config.managedIdentityPort(),
                port -> Listeners.http(port, workers));
        miListener.createContext("/", new ManagedIdentityEndpoint(directory, tokens, identityHeaders(), apiTokens));
        managedIdentityEndpoint = URI.create("http://127.0.0.1:" + miListener.getAddress().getPort()
                + ManagedIdentityEndpoint.PATH);

        for (EmulatorConfig.VaultDefinition definition : config.vaults()) {
            HttpsServer listener = bind("vault " + definition.name(), definition.port(),
                    port -> Listeners.https(port, tls, workers));
            URI url = URI.create("https://127.0.0.1:" + listener.getAddress().getPort());
            Vault vault = new Vault(definition.name(), definition.location(), url,
                    AccessPolicy.of(definition.accessPolicy()), definition.throttleLimit(), config.clock());
            listener.createContext("/", new VaultEndpoint(vault, tokens, config.tenantId(), authorityHost,
                    config.tokenResource()));
            vaults.put(definition.name().toLowerCase(Locale.ROOT), vault);
        }
        listeners.forEach(HttpServer::start);
    }

    /** The emulator's own header selects the one systemAssignedIdentity, as before hosts had their own. */
    private IdentityHeaders identityHeaders() {
        IdentityHeaders headers = new IdentityHeaders()
                .add(identityHeader, directory.systemAssignedIdentity().orElse(null));
        for (EmulatorConfig.HostIdentity host : config.hostIdentities()) {
            headers.add(host.identityHeader(), directory.findByClientId(host.clientId()).orElseThrow());
        }
        return headers;
    }

    private interface ListenerFactory<T extends HttpServer> {
        T create(int port) throws IOException;
    }

    private <T extends HttpServer> T bind(String what, int port, ListenerFactory<T> factory) {
        try {
            T listener = factory.create(port);
            listeners.add(listener);
            return listener;
        } catch (BindException e) {
            throw new IllegalStateException("could not listen on 127.0.0.1:" + port + " for " + what + ": the port is "
                    + "in use. Choose another port or 0 for a free one.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on 127.0.0.1:" + port + " for " + what, e);
        }
    }

    /** {@code https://127.0.0.1:<port>} of the named vault (case-insensitive). */
    public URI vaultUrl(String vaultName) {
        return vault(vaultName).url();
    }

    /** The Entra ID authority host, {@code https://127.0.0.1:<port>}; tokens come from {@code /<tenant>/oauth2/v2.0/token}. */
    public URI authorityHost() {
        return authorityHost;
    }

    /** {@code http://127.0.0.1:<port>/msi/token}: what IDENTITY_ENDPOINT is set to, for every host identity too. */
    public URI managedIdentityEndpoint() {
        return managedIdentityEndpoint;
    }

    /**
     * The X-IDENTITY-HEADER secret that selects the system-assigned identity: what IDENTITY_HEADER is
     * set to. A host identity's header is the one it was configured with.
     */
    public String managedIdentityHeader() {
        return identityHeader;
    }

    public String tenantId() {
        return config.tenantId();
    }

    public X509Certificate caCertificate() {
        return authority.caCertificate();
    }

    public String caCertificatePem() {
        return authority.caCertificatePem();
    }

    /** A TLS client context that trusts the emulator's CA, for a test's or a script's HTTP client. */
    public SSLContext clientSslContext() {
        return authority.clientContextTrustingCa();
    }

    /**
     * A bearer token for a configured principal, as its credential would get one, for scripts and
     * tests that call the REST API directly.
     */
    public String issueToken(String clientId, String resource, Duration ttl) {
        Principal principal = directory.findByClientId(clientId).orElseThrow(() ->
                new IllegalArgumentException("no principal with client id " + clientId + " is configured"));
        return tokens.issue(principal, resource, ttl).value();
    }

    /**
     * Registers an API while the emulator runs: tokens asked for its app ID URI (or client id) are then
     * signed JWTs with the caller's app roles on it, verifiable with the tenant's published keys.
     */
    public ApiRegistration registerApi(String appIdUri, String clientId) {
        ApiRegistration api = new ApiRegistration(appIdUri, clientId);
        directory.registerApi(api);
        return api;
    }

    /** Replaces a principal's app roles on a registered API, as an admin assigning them in Entra ID would. */
    public void assignAppRoles(ApiRegistration api, String principalClientId, String... roles) {
        directory.assignAppRoles(api, principalClientId, Set.of(roles));
    }

    /**
     * A signed access token for a registered API with the principal's app roles, valid in the window
     * given: tests use it for expired and not-yet-valid tokens, which the token endpoint never issues.
     */
    public String issueApiToken(String principalClientId, ApiRegistration api, Instant issuedAt, Instant expiresAt) {
        Principal principal = directory.findByClientId(principalClientId).orElseThrow(() ->
                new IllegalArgumentException("no principal with client id " + principalClientId + " is configured"));
        return apiTokens.issue(principal, api, issuedAt, expiresAt);
    }

    /**
     * Replaces a principal's key permissions on a vault while the emulator runs, as an operator editing
     * the vault's access policy would; tests use it to show that an operation refused for a missing
     * permission succeeds when repeated after the grant. Works for every configured principal (service
     * principals, the system-assigned, host and user-assigned identities); no permissions revoke all.
     */
    public void setPermissions(String vaultName, String clientId, String... permissions) {
        Vault vault = vault(vaultName);
        // A typo would otherwise grant nobody anything and the test would fail far from here.
        if (directory.findByClientId(clientId).isEmpty()) {
            throw new IllegalArgumentException("no principal with client id " + clientId + " is configured");
        }
        vault.setPermissions(clientId, KeyPermission.parse(List.of(permissions)));
    }

    public Set<String> vaultNames() {
        Set<String> names = new LinkedHashSet<>();
        vaults.values().forEach(v -> names.add(v.name()));
        return Collections.unmodifiableSet(names);
    }

    /** Stops every listener and worker. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (HttpServer listener : listeners) {
            try {
                listener.stop(0);
            } catch (RuntimeException e) {
                // A listener that never started throws here; the others must still stop.
            }
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Vault vault(String name) {
        Vault vault = name == null ? null : vaults.get(name.toLowerCase(Locale.ROOT));
        if (vault == null) {
            throw new IllegalArgumentException("no vault named " + name + "; configured: " + vaultNames());
        }
        return vault;
    }

    private void writeCaCertificatePem(Path file) {
        try {
            writeAtomically(file, caCertificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the CA certificate to " + file, e);
        }
    }

    /** Writes through a temporary file and a move, so a reader never sees half a file. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Directory directory(EmulatorConfig config) {
        Directory directory = new Directory();
        config.servicePrincipals().forEach(sp -> directory.addServicePrincipal(sp.clientId(), sp.objectId(), sp.secret()));
        config.systemAssignedIdentity().ifPresent(mi -> directory.addSystemAssignedIdentity(mi.objectId(), mi.clientId()));
        config.hostIdentities().forEach(host -> directory.addHostIdentity(host.objectId(), host.clientId()));
        config.userAssignedIdentities().forEach(mi ->
                directory.addUserAssignedIdentity(mi.clientId(), mi.objectId(), mi.resourceId()));
        return directory;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "KeyVaultEmulator[authority=" + authorityHost + ", vaults=" + vaultNames() + "]";
    }
}
