package io.keymgmt.emulator.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues bearer tokens and remembers them. Tokens are opaque random strings, not JWTs: nothing in
 * the product may depend on reading a token, and a remembered token lets the vaults tell an unknown
 * token from an expired one or one for the wrong audience or tenant, as Key Vault does.
 *
 * <p>The memory is shared by every emulator in the JVM, because azure-identity (MSAL) caches
 * managed-identity tokens process-wide: a test suite that starts a new emulator per test class, all
 * on the one managed-identity port the environment names, is sent the token an earlier emulator
 * issued. A token is honoured only if this emulator's directory has a principal with the same
 * client and object id; vaults also check the tenant. Bounded: when full, expired tokens go first,
 * then the oldest.
 */
public final class TokenIssuer {

    /** What the emulator knows about a token it honours, with the principal as this emulator configures it. */
    public record IssuedToken(Principal principal, String tenantId, String resource, Instant expiresAt) {
        public boolean isExpiredAt(Instant now) {
            return !now.isBefore(expiresAt);
        }
    }

    /** A token as handed to a client. */
    public record AccessToken(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[expiresAt=" + expiresAt + "]";
        }
    }

    private record Issued(String tenantId, String clientId, String objectId, String resource, Instant expiresAt) {
    }

    static final int MAX_TOKENS = 20_000;
    /** Guarded by itself. */
    private static final Map<String, Issued> ISSUED_IN_THIS_JVM = new LinkedHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String tenantId;
    private final Directory directory;
    private final Clock clock;

    public TokenIssuer(String tenantId, Directory directory, Clock clock) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public AccessToken issue(Principal principal, String resource, Duration lifetime) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(resource, "resource");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token lifetime must be positive, was " + lifetime);
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = "kvemu." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(lifetime);
        synchronized (ISSUED_IN_THIS_JVM) {
            makeRoom();
            ISSUED_IN_THIS_JVM.put(value, new Issued(tenantId, principal.clientId(), principal.objectId(),
                    normalizeResource(resource), expiresAt));
        }
        return new AccessToken(value, expiresAt);
    }

    /**
     * The token's record, expired or not, or empty if no emulator in this JVM issued it (or it was
     * forgotten) or its principal is not configured here.
     */
    public Optional<IssuedToken> find(String value) {
        Issued issued;
        synchronized (ISSUED_IN_THIS_JVM) {
            issued = ISSUED_IN_THIS_JVM.get(value);
        }
        if (issued == null) {
            return Optional.empty();
        }
        return directory.findByClientId(issued.clientId())
                .filter(principal -> principal.objectId().equalsIgnoreCase(issued.objectId()))
                .map(principal -> new IssuedToken(principal, issued.tenantId(), issued.resource(), issued.expiresAt()));
    }

    public Instant now() {
        return clock.instant();
    }

    /** Audiences are compared without a trailing slash: Entra ID treats both spellings as one resource. */
    public static String normalizeResource(String resource) {
        String r = resource.trim();
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    private void makeRoom() {
        if (ISSUED_IN_THIS_JVM.size() < MAX_TOKENS) {
            return;
        }
        Instant now = clock.instant();
        ISSUED_IN_THIS_JVM.values().removeIf(token -> !now.isBefore(token.expiresAt()));
        Iterator<String> oldest = ISSUED_IN_THIS_JVM.keySet().iterator();
        while (ISSUED_IN_THIS_JVM.size() >= MAX_TOKENS && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
