package io.keymgmt.emulator.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The X-IDENTITY-HEADER secrets the managed-identity endpoint accepts, each standing for one
 * Function App host. On Azure every host process gets its own IDENTITY_HEADER, and the secret is
 * what tells whose system-assigned identity a token is for; here several hosts share one endpoint
 * port, so the secret alone picks the host. Secrets are kept as bytes, compared in constant time
 * and never printed.
 */
public final class IdentityHeaders {

    /** The host a header belongs to: its system-assigned identity, or none for a host configured without one. */
    public record Host(Optional<Principal> systemAssignedIdentity) {
    }

    private record Entry(byte[] secret, Host host) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public IdentityHeaders() {
    }

    /** @param systemAssignedIdentity what the header selects when no identity is asked for; may be null */
    public IdentityHeaders add(String secret, Principal systemAssignedIdentity) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("an identity header secret must not be empty");
        }
        if (systemAssignedIdentity != null
                && systemAssignedIdentity.kind() != Principal.Kind.SYSTEM_ASSIGNED_IDENTITY) {
            throw new IllegalArgumentException(systemAssignedIdentity + " is no system-assigned identity");
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (find(bytes).isPresent()) {
            // Two hosts with one secret could not be told apart; the configuration refuses this first.
            throw new IllegalArgumentException("an identity header is configured for more than one host");
        }
        entries.add(new Entry(bytes, new Host(Optional.ofNullable(systemAssignedIdentity))));
        return this;
    }

    /** The host whose secret {@code presented} is, or empty when it is nobody's. */
    public Optional<Host> match(String presented) {
        byte[] bytes = presented == null ? new byte[0] : presented.getBytes(StandardCharsets.UTF_8);
        try {
            return find(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Compares with every secret, without stopping at a match, so the time taken does not tell which one it was. */
    private Optional<Host> find(byte[] presented) {
        Host found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.secret(), presented) && found == null) {
                found = entry.host();
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public String toString() {
        return "IdentityHeaders[" + entries.size() + " hosts]";
    }
}
