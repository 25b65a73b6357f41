package io.keymgmt.testkit;

import io.keymgmt.emulator.EmulatorConfig;
import io.keymgmt.emulator.KeyVaultEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Key Vault emulator set up as the product's tests need it: one tenant, the function's
 * system-assigned managed identity and a service principal, each holding exactly the six key
 * permissions the engine needs (get, list, create, import, update, delete) on the two demo vaults, a
 * reader with get and list for inspection, one vault per permission that lacks just that one, and a
 * vault for the sealing key (get, create, wrapKey, unwrapKey).
 *
 * <p>MSAL takes the managed-identity endpoint from the real process environment, so when
 * IDENTITY_ENDPOINT and IDENTITY_HEADER are set (the module's surefire configuration sets them to a
 * reserved port) the emulator serves managed identity there.
 *
 * <p>{@link #builder()} adds to that what a test of several Function Apps needs: each app's own
 * system-assigned identity, reached with its own IDENTITY_HEADER on the same endpoint (see
 * {@link #managedIdentityEnvironment(String)} for what to put in each app process's environment),
 * and vaults whose access policies the test chooses. The identities it adds hold no permission
 * anywhere until the test grants them one.
 */
public final class LocalKeyVaults implements AutoCloseable {

    public static final String TENANT_ID = "00000000-0000-4000-8000-00000000a001";
    public static final String MANAGED_IDENTITY_CLIENT_ID = "00000000-0000-4000-8000-00000000c001";
    public static final String MANAGED_IDENTITY_OBJECT_ID = "00000000-0000-4000-8000-00000000d001";
    public static final String SERVICE_PRINCIPAL_CLIENT_ID = "00000000-0000-4000-8000-00000000c002";
    public static final String SERVICE_PRINCIPAL_OBJECT_ID = "00000000-0000-4000-8000-00000000d002";
    public static final String READER_CLIENT_ID = "00000000-0000-4000-8000-00000000c003";
    public static final String READER_OBJECT_ID = "00000000-0000-4000-8000-00000000d003";
    public static final List<String> DEMO_VAULTS = List.of("demo-vault-1", "demo-vault-2");
    /** The vault holding the key that seals data at rest, and what the engine needs there. */
    public static final String SEAL_VAULT = "seal-vault";
    public static final List<String> SEAL_PERMISSIONS = List.of("get", "create", "wrapKey", "unwrapKey");
    /** The key permissions the engine needs, and all it gets. */
    public static final List<String> MINIMUM_PERMISSIONS = List.of("get", "list", "create", "import", "update", "delete");

    /** A Function App host's system-assigned identity and the IDENTITY_HEADER its process presents. */
    public record HostIdentity(String clientId, String objectId, String identityHeader) {
        @Override
        public String toString() {
            return "HostIdentity[clientId=" + clientId + ", objectId=" + objectId + "]";
        }
    }

    private final KeyVaultEmulator emulator;
    private final String servicePrincipalSecret;
    private final Path caCertificateFile;
    private final List<HostIdentity> hostIdentities;

    private LocalKeyVaults(KeyVaultEmulator emulator, String servicePrincipalSecret, Path caCertificateFile,
            List<HostIdentity> hostIdentities) {
        this.emulator = emulator;
        this.servicePrincipalSecret = servicePrincipalSecret;
        this.caCertificateFile = caCertificateFile;
        this.hostIdentities = List.copyOf(hostIdentities);
    }

    /** The standard identities and vaults described above, and nothing else. */
    public static LocalKeyVaults start() {
        return builder().start();
    }

    /** The standard identities and vaults, plus the host identities, vaults and grants a test adds. */
    public static Builder builder() {
        return new Builder();
    }

    /** What {@link #builder()} adds to {@link #start()}; the emulator checks it all when {@link #start()} runs. */
    public static final class Builder {
        private final List<HostIdentity> hostIdentities = new ArrayList<>();
        private final Map<String, Map<String, List<String>>> vaults = new LinkedHashMap<>();
        private final List<Grant> grants = new ArrayList<>();

        private record Grant(String vault, String clientId, List<String> permissions) {
        }

        private Builder() {
        }

        /** A Function App host's system-assigned identity with a random IDENTITY_HEADER. */
        public Builder hostIdentity(String objectId, String clientId) {
            return hostIdentity(randomSecret(), objectId, clientId);
        }

        /**
         * A Function App host's system-assigned identity, reached with {@code identityHeader} (unique,
         * not blank). It holds no permission until {@link #vault} or {@link #accessPolicy} grants one.
         */
        public Builder hostIdentity(String identityHeader, String objectId, String clientId) {
            hostIdentities.add(new HostIdentity(clientId, objectId, identityHeader));
            return this;
        }

        /**
         * One more vault, in which exactly these principals (by client id) hold exactly these key
         * permissions (Azure's names, or "all"), besides the reader's get and list.
         */
        public Builder vault(String name, Map<String, ? extends Collection<String>> accessPolicies) {
            Map<String, List<String>> policies = new LinkedHashMap<>();
            accessPolicies.forEach((clientId, permissions) -> policies.put(clientId, List.copyOf(permissions)));
            if (vaults.putIfAbsent(name, policies) != null) {
                throw new IllegalArgumentException("vault " + name + " is added twice; give all its access policies "
                        + "in one vault(...) call");
            }
            return this;
        }

        /** Grants key permissions to a principal on any vault, the standard ones included. */
        public Builder accessPolicy(String vault, String clientId, Collection<String> permissions) {
            grants.add(new Grant(vault, clientId, List.copyOf(permissions)));
            return this;
        }

        public LocalKeyVaults start() {
            return LocalKeyVaults.start(this);
        }
    }

    private static LocalKeyVaults start(Builder extra) {
        String secret = randomSecret();
        EmulatorConfig.Builder config = EmulatorConfig.builder()
                .tenantId(TENANT_ID)
                .systemAssignedIdentity(MANAGED_IDENTITY_OBJECT_ID, MANAGED_IDENTITY_CLIENT_ID)
                .servicePrincipal(SERVICE_PRINCIPAL_CLIENT_ID, SERVICE_PRINCIPAL_OBJECT_ID, secret)
                .servicePrincipal(READER_CLIENT_ID, READER_OBJECT_ID, randomSecret())
                .readerClientId(READER_CLIENT_ID);
        for (String vault : DEMO_VAULTS) {
            config.vault(vault)
                    .accessPolicy(vault, MANAGED_IDENTITY_CLIENT_ID, MINIMUM_PERMISSIONS)
                    .accessPolicy(vault, SERVICE_PRINCIPAL_CLIENT_ID, MINIMUM_PERMISSIONS);
        }
        for (String missing : MINIMUM_PERMISSIONS) {
            String vault = lackingVault(missing);
            List<String> granted = MINIMUM_PERMISSIONS.stream().filter(p -> !p.equals(missing)).toList();
            config.vault(vault)
                    .accessPolicy(vault, MANAGED_IDENTITY_CLIENT_ID, granted)
                    .accessPolicy(vault, SERVICE_PRINCIPAL_CLIENT_ID, granted);
        }
        config.vault(SEAL_VAULT)
                .accessPolicy(SEAL_VAULT, MANAGED_IDENTITY_CLIENT_ID, SEAL_PERMISSIONS)
                .accessPolicy(SEAL_VAULT, SERVICE_PRINCIPAL_CLIENT_ID, SEAL_PERMISSIONS);
        for (HostIdentity host : extra.hostIdentities) {
            config.hostIdentity(host.identityHeader(), host.objectId(), host.clientId());
        }
        extra.vaults.forEach((vault, policies) -> {
            config.vault(vault);
            policies.forEach((clientId, permissions) -> config.accessPolicy(vault, clientId, permissions));
        });
        for (Builder.Grant grant : extra.grants) {
            config.accessPolicy(grant.vault(), grant.clientId(), grant.permissions());
        }
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        String header = System.getenv("IDENTITY_HEADER");
        if (endpoint != null && header != null) {
            config.managedIdentityPort(URI.create(endpoint).getPort()).managedIdentityHeader(header);
        }
        KeyVaultEmulator emulator = KeyVaultEmulator.start(config.build());
        try {
            Path ca = Files.createTempFile("keyvault-emulator-ca-", ".pem");
            Files.writeString(ca, emulator.caCertificatePem());
            return new LocalKeyVaults(emulator, secret, ca, extra.hostIdentities);
        } catch (IOException e) {
            emulator.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The vault where the engine's identities hold every minimum permission but {@code permission}. */
    public static String lackingVault(String permission) {
        return "lacks-" + permission;
    }

    /** {@code http://127.0.0.1:<port>/msi/token}: every app process's IDENTITY_ENDPOINT. */
    public URI managedIdentityEndpoint() {
        return emulator.managedIdentityEndpoint();
    }

    /** The host identities the builder added, in the order added. */
    public List<HostIdentity> hostIdentities() {
        return hostIdentities;
    }

    /** The host identity the builder added with this client id (case-insensitive). */
    public HostIdentity hostIdentity(String clientId) {
        return hostIdentities.stream().filter(h -> h.clientId().equalsIgnoreCase(clientId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host identity with client id " + clientId + "; "
                        + "added: " + hostIdentities.stream().map(HostIdentity::clientId).toList()));
    }

    /**
     * IDENTITY_ENDPOINT and IDENTITY_HEADER for the process of the Function App whose system-assigned
     * identity has this client id: a host identity the builder added, or
     * {@link #MANAGED_IDENTITY_CLIENT_ID}. Put them in the process's environment, where azure-identity
     * reads them.
     */
    public Map<String, String> managedIdentityEnvironment(String clientId) {
        String header = MANAGED_IDENTITY_CLIENT_ID.equalsIgnoreCase(clientId)
                ? emulator.managedIdentityHeader() : hostIdentity(clientId).identityHeader();
        return Map.of("IDENTITY_ENDPOINT", emulator.managedIdentityEndpoint().toString(), "IDENTITY_HEADER", header);
    }

    public KeyVaultEmulator emulator() {
        return emulator;
    }

    public String servicePrincipalSecret() {
        return servicePrincipalSecret;
    }

    public Path caCertificateFile() {
        return caCertificateFile;
    }

    /** Every vault's URL by name: what the product's custom environment maps key_collection to. */
    public Map<String, String> vaultUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String name : emulator.vaultNames()) {
            urls.put(name, emulator.vaultUrl(name).toString());
        }
        return urls;
    }

    /** Looks into the vaults through the plain Key Vault REST API, as a person with read access would. */
    public VaultInspector inspector() {
        String token = emulator.issueToken(READER_CLIENT_ID, "https://vault.azure.net", Duration.ofHours(1));
        return new VaultInspector(emulator.clientSslContext(), token, this::vaultUrl);
    }

    public URI vaultUrl(String vault) {
        return emulator.vaultUrl(vault);
    }

    @Override
    public void close() {
        emulator.close();
        try {
            Files.deleteIfExists(caCertificateFile);
        } catch (IOException ignored) {
            // A temp file; the OS cleans it up.
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
