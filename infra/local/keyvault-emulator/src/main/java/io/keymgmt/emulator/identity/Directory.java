package io.keymgmt.emulator.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's Entra ID directory: the principals it knows and the client secrets of its service
 * principals. Secrets are kept as bytes, compared in constant time and never printed.
 */
public final class Directory {

    /** The outcome of a client-credentials check, each with its own Entra ID error. */
    public enum SecretCheck { ACCEPTED, UNKNOWN_CLIENT, NOT_A_SERVICE_PRINCIPAL, WRONG_SECRET }

    private final Map<String, Principal> byClientId = new HashMap<>();
    private final Map<String, byte[]> secretsByClientId = new HashMap<>();
    private Principal systemAssignedIdentity;
    /** Registered while the emulator runs (tests do it), so read concurrently by the token endpoint. */
    private final Map<String, ApiRegistration> apisByClientId = new ConcurrentHashMap<>();
    /** App roles by API client id, then principal client id. */
    private final Map<String, Map<String, Set<String>>> appRoles = new ConcurrentHashMap<>();

    public Directory() {
    }

    /** Adds a service principal; the secret's UTF-8 bytes are copied. */
    public Directory addServicePrincipal(String clientId, String objectId, String secret) {
        Principal principal = new Principal(Principal.Kind.SERVICE_PRINCIPAL, clientId, objectId, null);
        add(principal);
        secretsByClientId.put(key(clientId), secret.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Directory addSystemAssignedIdentity(String objectId, String clientId) {
        if (systemAssignedIdentity != null) {
            throw new IllegalArgumentException("only one system-assigned identity can be configured");
        }
        systemAssignedIdentity = new Principal(Principal.Kind.SYSTEM_ASSIGNED_IDENTITY, clientId, objectId, null);
        add(systemAssignedIdentity);
        return this;
    }

    /**
     * Adds a Function App host's system-assigned identity: one of several, each selected by its own
     * identity header (see {@link IdentityHeaders}), unlike {@link #systemAssignedIdentity()}.
     */
    public Directory addHostIdentity(String objectId, String clientId) {
        add(new Principal(Principal.Kind.SYSTEM_ASSIGNED_IDENTITY, clientId, objectId, null));
        return this;
    }

    public Directory addUserAssignedIdentity(String clientId, String objectId, String resourceId) {
        add(new Principal(Principal.Kind.USER_ASSIGNED_IDENTITY, clientId, objectId, resourceId));
        return this;
    }

    private void add(Principal principal) {
        if (byClientId.putIfAbsent(key(principal.clientId()), principal) != null) {
            throw new IllegalArgumentException("client id " + principal.clientId() + " is configured twice");
        }
    }

    public Optional<Principal> findByClientId(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(byClientId.get(key(clientId)));
    }

    /** The system-assigned identity the emulator's own managed identity header selects, if one is configured. */
    public Optional<Principal> systemAssignedIdentity() {
        return Optional.ofNullable(systemAssignedIdentity);
    }

    /** A managed identity (system- or user-assigned) by its object id, as App Service's principal_id asks. */
    public Optional<Principal> findManagedIdentityByObjectId(String objectId) {
        return managedIdentities().stream().filter(p -> p.objectId().equalsIgnoreCase(objectId)).findFirst();
    }

    /** A user-assigned identity by its ARM resource id, as App Service's mi_res_id asks. */
    public Optional<Principal> findManagedIdentityByResourceId(String resourceId) {
        return managedIdentities().stream()
                .filter(p -> p.resourceId() != null && p.resourceId().equalsIgnoreCase(resourceId))
                .findFirst();
    }

    public Optional<Principal> findManagedIdentityByClientId(String clientId) {
        return findByClientId(clientId).filter(p -> p.kind() != Principal.Kind.SERVICE_PRINCIPAL);
    }

    private Collection<Principal> managedIdentities() {
        return byClientId.values().stream().filter(p -> p.kind() != Principal.Kind.SERVICE_PRINCIPAL).toList();
    }

    /** Registers an API (an app registration that exposes app roles); tokens for it are signed JWTs. */
    public Directory registerApi(ApiRegistration api) {
        if (apisByClientId.putIfAbsent(key(api.clientId()), api) != null) {
            throw new IllegalArgumentException("an API with client id " + api.clientId() + " is registered twice");
        }
        return this;
    }

    /** The registered API a requested resource names, by app ID URI or client id. */
    public Optional<ApiRegistration> findApi(String resource) {
        return apisByClientId.values().stream().filter(api -> api.isNamedBy(resource)).findFirst();
    }

    /** Replaces the app roles assigned to a principal on an API; none removes them all. */
    public void assignAppRoles(ApiRegistration api, String principalClientId, Set<String> roles) {
        if (findByClientId(principalClientId).isEmpty()) {
            throw new IllegalArgumentException("no principal with client id " + principalClientId + " is configured");
        }
        appRoles.computeIfAbsent(key(api.clientId()), k -> new ConcurrentHashMap<>())
                .put(key(principalClientId), Set.copyOf(roles));
    }

    /** The app roles a principal holds on an API: what its tokens for the API carry in "roles". */
    public Set<String> appRolesOf(ApiRegistration api, String principalClientId) {
        return appRoles.getOrDefault(key(api.clientId()), Map.of()).getOrDefault(key(principalClientId), Set.of());
    }

    public SecretCheck checkClientSecret(String clientId, String presentedSecret) {
        Principal principal = findByClientId(clientId).orElse(null);
        if (principal == null) {
            return SecretCheck.UNKNOWN_CLIENT;
        }
        byte[] expected = secretsByClientId.get(key(clientId));
        if (expected == null) {
            return SecretCheck.NOT_A_SERVICE_PRINCIPAL;
        }
        byte[] presented = presentedSecret == null ? new byte[0] : presentedSecret.getBytes(StandardCharsets.UTF_8);
        try {
            return MessageDigest.isEqual(expected, presented) ? SecretCheck.ACCEPTED : SecretCheck.WRONG_SECRET;
        } finally {
            Arrays.fill(presented, (byte) 0);
        }
    }

    private static String key(String clientId) {
        return clientId.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Directory" + byClientId.values();
    }
}
