package io.keymgmt.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.keymgmt.emulator.vault.KeyPermission;

/**
 * What the emulator serves: the tenant, its principals, its vaults with their access policies, and
 * where its endpoints listen. Immutable; made with {@link #builder()} or read from a JSON file with
 * {@link #fromJson(Path)}. Every refusal says which setting is wrong and what is accepted.
 */
public final class EmulatorConfig {

    public static final String DEFAULT_TOKEN_RESOURCE = "https://vault.azure.net";
    public static final String DEFAULT_LOCATION = "local";

    private static final Pattern VAULT_NAME = Pattern.compile("[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]");
    private static final Pattern TENANT_ID = Pattern.compile("[0-9A-Za-z.-]{1,64}");

    /** A vault: its name, port (0 = any free one), location (for messages) and optional create throttle. */
    public record VaultDefinition(String name, int port, String location, Integer throttleLimit,
            Map<String, Set<KeyPermission>> accessPolicy) {
        public VaultDefinition {
            accessPolicy = Map.copyOf(accessPolicy);
        }
    }

    /** A service principal. The secret is held but never printed. */
    public static final class ServicePrincipal {
        private final String clientId;
        private final String objectId;
        private final String secret;

        ServicePrincipal(String clientId, String objectId, String secret) {
            this.clientId = clientId;
            this.objectId = objectId;
            this.secret = secret;
        }

        public String clientId() {
            return clientId;
        }

        public String objectId() {
            return objectId;
        }

        String secret() {
            return secret;
        }

        @Override
        public String toString() {
            return "ServicePrincipal[clientId=" + clientId + ", objectId=" + objectId + "]";
        }
    }

    /** A managed identity; {@code resourceId} is optional and only for user-assigned ones (App Service's mi_res_id). */
    public record ManagedIdentity(String clientId, String objectId, String resourceId, boolean systemAssigned) {
    }

    /**
     * A Function App host's system-assigned identity, reached with the host's own IDENTITY_HEADER: on
     * Azure every Function App process gets its own endpoint secret, and the secret is what tells whose
     * identity a token is for. The header is held but never printed.
     */
    public static final class HostIdentity {
        private final String identityHeader;
        private final String objectId;
        private final String clientId;

        HostIdentity(String identityHeader, String objectId, String clientId) {
            this.identityHeader = identityHeader;
            this.objectId = objectId;
            this.clientId = clientId;
        }

        public String objectId() {
            return objectId;
        }

        public String clientId() {
            return clientId;
        }

        String identityHeader() {
            return identityHeader;
        }

        @Override
        public String toString() {
            return "HostIdentity[clientId=" + clientId + ", objectId=" + objectId + "]";
        }
    }

    private final String tenantId;
    private final List<VaultDefinition> vaults;
    private final List<ServicePrincipal> servicePrincipals;
    private final ManagedIdentity systemAssignedIdentity;
    private final List<HostIdentity> hostIdentities;
    private final List<ManagedIdentity> userAssignedIdentities;
    private final int managedIdentityPort;
    private final String managedIdentityHeader;
    private final Path caCertificatePemFile;
    private final String tokenResource;
    private final String readerClientId;
    private final Clock clock;

    private EmulatorConfig(Builder b) {
        this.tenantId = b.tenantId;
        this.servicePrincipals = List.copyOf(b.servicePrincipals);
        this.systemAssignedIdentity = b.systemAssignedIdentity;
        this.hostIdentities = List.copyOf(b.hostIdentities);
        this.userAssignedIdentities = List.copyOf(b.userAssignedIdentities);
        this.managedIdentityPort = b.managedIdentityPort;
        this.managedIdentityHeader = b.managedIdentityHeader;
        this.caCertificatePemFile = b.caCertificatePemFile;
        this.tokenResource = b.tokenResource;
        this.readerClientId = b.readerClientId;
        this.clock = b.clock;
        List<VaultDefinition> definitions = new ArrayList<>();
        for (VaultBuilder v : b.vaults.values()) {
            Map<String, Set<KeyPermission>> policy = new LinkedHashMap<>();
            v.grants.forEach((clientId, permissions) -> policy.put(clientId, Set.copyOf(permissions)));
            if (readerClientId != null) {
                // The reader exists so that people and scripts can look into every vault.
                policy.merge(readerClientId, EnumSet.of(KeyPermission.GET, KeyPermission.LIST), (a, c) -> {
                    Set<KeyPermission> both = EnumSet.copyOf(a);
                    both.addAll(c);
                    return both;
                });
            }
            definitions.add(new VaultDefinition(v.name, v.port, v.location, v.throttleLimit, policy));
        }
        this.vaults = List.copyOf(definitions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the JSON form described in the module README and in {@link EmulatorConfigJson}. */
    public static EmulatorConfig fromJson(Path file) throws IOException {
        return EmulatorConfigJson.parse(Files.readString(file), file.toAbsolutePath().getParent());
    }

    public String tenantId() {
        return tenantId;
    }

    public List<VaultDefinition> vaults() {
        return vaults;
    }

    public List<ServicePrincipal> servicePrincipals() {
        return servicePrincipals;
    }

    public Optional<ManagedIdentity> systemAssignedIdentity() {
        return Optional.ofNullable(systemAssignedIdentity);
    }

    /** The system-assigned identities reached with their own header, besides {@link #systemAssignedIdentity()}. */
    public List<HostIdentity> hostIdentities() {
        return hostIdentities;
    }

    public List<ManagedIdentity> userAssignedIdentities() {
        return userAssignedIdentities;
    }

    public int managedIdentityPort() {
        return managedIdentityPort;
    }

    /**
     * The X-IDENTITY-HEADER secret that selects {@link #systemAssignedIdentity()}, or empty when the
     * emulator is to make a random one. Host identities have their own.
     */
    public Optional<String> managedIdentityHeader() {
        return Optional.ofNullable(managedIdentityHeader);
    }

    public Optional<Path> caCertificatePemFile() {
        return Optional.ofNullable(caCertificatePemFile);
    }

    public String tokenResource() {
        return tokenResource;
    }

    /** The client id of the principal granted get+list on every vault, or empty. */
    public Optional<String> readerClientId() {
        return Optional.ofNullable(readerClientId);
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "EmulatorConfig[tenant=" + tenantId + ", vaults=" + vaults.stream().map(VaultDefinition::name).toList()
                + ", servicePrincipals=" + servicePrincipals + ", hostIdentities=" + hostIdentities + "]";
    }

    private static final class VaultBuilder {
        final String name;
        final int port;
        final String location;
        Integer throttleLimit;
        final Map<String, EnumSet<KeyPermission>> grants = new LinkedHashMap<>();

        VaultBuilder(String name, int port, String location) {
            this.name = name;
            this.port = port;
            this.location = location;
        }
    }

    public static final class Builder {
        private String tenantId;
        private final Map<String, VaultBuilder> vaults = new LinkedHashMap<>();
        private final List<ServicePrincipal> servicePrincipals = new ArrayList<>();
        private ManagedIdentity systemAssignedIdentity;
        private final List<HostIdentity> hostIdentities = new ArrayList<>();
        private final List<ManagedIdentity> userAssignedIdentities = new ArrayList<>();
        private int managedIdentityPort;
        private String managedIdentityHeader;
        private Path caCertificatePemFile;
        private String tokenResource = DEFAULT_TOKEN_RESOURCE;
        private String readerClientId;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder tenantId(String tenantId) {
            this.tenantId = tenantId;
            return this;
        }

        /** A vault on any free port, located {@value #DEFAULT_LOCATION}. */
        public Builder vault(String name) {
            return vault(name, 0, DEFAULT_LOCATION);
        }

        public Builder vault(String name, int port, String location) {
            requireText(name, "vault name");
            if (!VAULT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("vault name '" + name + "' is invalid: Key Vault names are 3-24 "
                        + "characters of a-z, A-Z, 0-9 and '-', start with a letter, end with a letter or digit and "
                        + "have no '--'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("vault " + name + ": port " + port + " is out of range; use 0 for a "
                        + "free port or 1-65535");
            }
            requireText(location, "vault " + name + " location");
            if (vaults.putIfAbsent(key(name), new VaultBuilder(name, port, location)) != null) {
                throw new IllegalArgumentException("vault " + name + " is configured twice (names are case-insensitive)");
            }
            return this;
        }

        /** Allows at most {@code createsPer10Seconds} create/import calls per 10 s, then 429 with Retry-After. */
        public Builder throttleLimit(String vault, int createsPer10Seconds) {
            if (createsPer10Seconds < 1) {
                throw new IllegalArgumentException("vault " + vault + ": throttleLimit must be at least 1, was "
                        + createsPer10Seconds);
            }
            vaultBuilder(vault).throttleLimit = createsPer10Seconds;
            return this;
        }

        public Builder servicePrincipal(String clientId, String objectId, String secret) {
            requireText(clientId, "service principal clientId");
            requireText(objectId, "service principal " + clientId + " objectId");
            requireText(secret, "service principal " + clientId + " secret");
            servicePrincipals.add(new ServicePrincipal(clientId, objectId, secret));
            return this;
        }

        public Builder systemAssignedIdentity(String objectId, String clientId) {
            requireText(objectId, "system-assigned identity objectId");
            requireText(clientId, "system-assigned identity clientId");
            if (systemAssignedIdentity != null) {
                throw new IllegalArgumentException("only one system-assigned identity can be configured");
            }
            systemAssignedIdentity = new ManagedIdentity(clientId, objectId, null, true);
            return this;
        }

        /**
         * A Function App host's system-assigned identity, reached with its IDENTITY_HEADER: a request
         * to the managed-identity endpoint with this X-IDENTITY-HEADER and no identity selector gets a
         * token for this identity. Each host needs its own header, distinct from
         * {@link #managedIdentityHeader(String)}, which keeps selecting {@link #systemAssignedIdentity}.
         * User-assigned identities are reachable with any host's header.
         */
        public Builder hostIdentity(String identityHeader, String objectId, String clientId) {
            requireText(clientId, "host identity clientId");
            requireText(objectId, "host identity " + clientId + " objectId");
            requireText(identityHeader, "host identity " + clientId + " identity header");
            hostIdentities.add(new HostIdentity(identityHeader, objectId, clientId));
            return this;
        }

        public Builder userAssignedIdentity(String clientId, String objectId) {
            return userAssignedIdentity(clientId, objectId, null);
        }

        /** @param resourceId the identity's ARM id, for clients that select it with mi_res_id; may be null */
        public Builder userAssignedIdentity(String clientId, String objectId, String resourceId) {
            requireText(clientId, "user-assigned identity clientId");
            requireText(objectId, "user-assigned identity " + clientId + " objectId");
            userAssignedIdentities.add(new ManagedIdentity(clientId, objectId, resourceId, false));
            return this;
        }

        /** Grants key permissions (Azure's names, case-insensitive, or "all") on a vault to a principal. */
        public Builder accessPolicy(String vault, String clientId, String... permissions) {
            return accessPolicy(vault, clientId, Arrays.asList(permissions));
        }

        public Builder accessPolicy(String vault, String clientId, Collection<String> permissions) {
            requireText(clientId, "access policy clientId on vault " + vault);
            Set<KeyPermission> parsed;
            try {
                parsed = KeyPermission.parse(permissions);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vault " + vault + ", principal " + clientId + ": " + e.getMessage(), e);
            }
            vaultBuilder(vault).grants.computeIfAbsent(clientId, c -> EnumSet.noneOf(KeyPermission.class)).addAll(parsed);
            return this;
        }

        /** 0 (the default) for a free port; tests fix it because MSAL reads IDENTITY_ENDPOINT from the environment. */
        public Builder managedIdentityPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("managed identity port " + port + " is out of range; use 0 or 1-65535");
            }
            this.managedIdentityPort = port;
            return this;
        }

        public Builder managedIdentityHeader(String secret) {
            requireText(secret, "managed identity header");
            this.managedIdentityHeader = secret;
            return this;
        }

        public Builder caCertificatePemFile(Path file) {
            this.caCertificatePemFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** The audience vaults require and announce; defaults to {@value #DEFAULT_TOKEN_RESOURCE}. */
        public Builder tokenResource(String resource) {
            requireText(resource, "token resource");
            if (!resource.startsWith("https://")) {
                throw new IllegalArgumentException("token resource '" + resource + "' must be an https:// URI such as "
                        + DEFAULT_TOKEN_RESOURCE);
            }
            this.tokenResource = resource;
            return this;
        }

        /** Names the principal that gets get+list on every vault (for scripts and people to look in). */
        public Builder readerClientId(String clientId) {
            requireText(clientId, "reader clientId");
            this.readerClientId = clientId;
            return this;
        }

        /** The clock for token expiry, key timestamps, purge dates and throttling (not for TLS certificates). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public EmulatorConfig build() {
            requireText(tenantId, "tenantId");
            if (!TENANT_ID.matcher(tenantId).matches()) {
                throw new IllegalArgumentException("tenantId '" + tenantId + "' is invalid: use a GUID (letters, digits, "
                        + "'-' and '.')");
            }
            if (vaults.isEmpty()) {
                throw new IllegalArgumentException("no vault is configured; add at least one");
            }
            Set<Integer> ports = new HashSet<>();
            for (VaultBuilder v : vaults.values()) {
                if (v.port != 0 && !ports.add(v.port)) {
                    throw new IllegalArgumentException("port " + v.port + " is given to more than one vault; each vault "
                            + "needs its own port (or 0)");
                }
            }
            if (managedIdentityPort != 0 && ports.contains(managedIdentityPort)) {
                throw new IllegalArgumentException("managed identity port " + managedIdentityPort + " is also a vault's "
                        + "port");
            }
            checkIdentityHeaders();
            List<PrincipalIds> all = new ArrayList<>();
            servicePrincipals.forEach(p -> all.add(new PrincipalIds(p.clientId(), p.objectId())));
            userAssignedIdentities.forEach(p -> all.add(new PrincipalIds(p.clientId(), p.objectId())));
            if (systemAssignedIdentity != null) {
                all.add(new PrincipalIds(systemAssignedIdentity.clientId(), systemAssignedIdentity.objectId()));
            }
            hostIdentities.forEach(p -> all.add(new PrincipalIds(p.clientId(), p.objectId())));
            Set<String> clientIds = new HashSet<>();
            Map<String, String> clientIdByObjectId = new HashMap<>();
            for (PrincipalIds principal : all) {
                if (!clientIds.add(key(principal.clientId()))) {
                    throw new IllegalArgumentException("client id " + principal.clientId() + " is configured for more "
                            + "than one principal");
                }
                // Object ids are unique in an Entra ID tenant, and principal_id selects a managed identity by one.
                String other = clientIdByObjectId.putIfAbsent(key(principal.objectId()), principal.clientId());
                if (other != null) {
                    throw new IllegalArgumentException("object id " + principal.objectId() + " is configured for more "
                            + "than one principal (client ids " + other + " and " + principal.clientId() + ")");
                }
            }
            for (VaultBuilder v : vaults.values()) {
                for (String clientId : v.grants.keySet()) {
                    if (!clientIds.contains(key(clientId))) {
                        throw new IllegalArgumentException("vault " + v.name + " has an access policy for client id "
                                + clientId + ", which is no configured principal");
                    }
                }
            }
            if (readerClientId != null && !clientIds.contains(key(readerClientId))) {
                throw new IllegalArgumentException("reader " + readerClientId + " is no configured principal");
            }
            return new EmulatorConfig(this);
        }

        /** The header is all that tells hosts apart, so two hosts with one header would share an identity. */
        private void checkIdentityHeaders() {
            Map<String, String> owners = new LinkedHashMap<>();
            if (managedIdentityHeader != null) {
                owners.put(managedIdentityHeader, "the managed identity header (managedIdentity.header), which "
                        + "selects systemAssignedIdentity");
            }
            for (HostIdentity host : hostIdentities) {
                String other = owners.putIfAbsent(host.identityHeader(), "host identity " + host.clientId());
                if (other != null) {
                    throw new IllegalArgumentException("host identity " + host.clientId() + " has the same identity "
                            + "header as " + other + "; give each Function App host its own IDENTITY_HEADER secret");
                }
            }
        }

        private VaultBuilder vaultBuilder(String vault) {
            VaultBuilder v = vault == null ? null : vaults.get(key(vault));
            if (v == null) {
                throw new IllegalArgumentException("vault " + vault + " is not configured; configure it with vault(...) "
                        + "first");
            }
            return v;
        }
    }

    private record PrincipalIds(String clientId, String objectId) {
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }
}
