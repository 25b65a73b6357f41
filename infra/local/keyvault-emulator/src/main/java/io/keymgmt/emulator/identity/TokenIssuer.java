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
 * token from an expired one or one for the wrong audience, as Key Vault does.
 *
 * <p>Bounded: when full, expired tokens go first, then the oldest.
 */
public final class TokenIssuer {

    /** What the emulator remembers about a token it issued. */
    public record IssuedToken(Principal principal, String resource, Instant expiresAt) {
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

    static final int MAX_TOKENS = 20_000;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, IssuedToken> tokens = new LinkedHashMap<>();

    public TokenIssuer(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public AccessToken issue(Principal principal, String resource, Duration lifetime) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(resource, "resource");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token lifetime must be positive, was " + lifetime);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = "kvemu." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = clock.instant().plus(lifetime);
        synchronized (tokens) {
            makeRoom();
            tokens.put(value, new IssuedToken(principal, normalizeResource(resource), expiresAt));
        }
        return new AccessToken(value, expiresAt);
    }

    /** The token's record, expired or not, or empty if this emulator never issued it (or forgot it). */
    public Optional<IssuedToken> find(String value) {
        synchronized (tokens) {
            return Optional.ofNullable(tokens.get(value));
        }
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
        if (tokens.size() < MAX_TOKENS) {
            return;
        }
        Instant now = clock.instant();
        tokens.values().removeIf(token -> token.isExpiredAt(now));
        Iterator<String> oldest = tokens.keySet().iterator();
        while (tokens.size() >= MAX_TOKENS && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
