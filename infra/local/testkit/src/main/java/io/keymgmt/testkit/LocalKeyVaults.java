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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Key Vault emulator set up as the product's tests need it: one tenant, the function's
 * system-assigned managed identity and a service principal, each holding exactly the five key
 * permissions the engine needs (get, create, import, update, delete) on the two demo vaults, a
 * reader with get and list for inspection, one vault per permission that lacks just that one, and a
 * vault for the sealing key (get, create, wrapKey, unwrapKey).
 *
 * <p>MSAL takes the managed-identity endpoint from the real process environment, so when
 * IDENTITY_ENDPOINT and IDENTITY_HEADER are set (the module's surefire configuration sets them to a
 * reserved port) the emulator serves managed identity there.
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
    public static final List<String> MINIMUM_PERMISSIONS = List.of("get", "create", "import", "update", "delete");

    private final KeyVaultEmulator emulator;
    private final String servicePrincipalSecret;
    private final Path caCertificateFile;

    private LocalKeyVaults(KeyVaultEmulator emulator, String servicePrincipalSecret, Path caCertificateFile) {
        this.emulator = emulator;
        this.servicePrincipalSecret = servicePrincipalSecret;
        this.caCertificateFile = caCertificateFile;
    }

    public static LocalKeyVaults start() {
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
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        String header = System.getenv("IDENTITY_HEADER");
        if (endpoint != null && header != null) {
            config.managedIdentityPort(URI.create(endpoint).getPort()).managedIdentityHeader(header);
        }
        KeyVaultEmulator emulator = KeyVaultEmulator.start(config.build());
        try {
            Path ca = Files.createTempFile("keyvault-emulator-ca-", ".pem");
            Files.writeString(ca, emulator.caCertificatePem());
            return new LocalKeyVaults(emulator, secret, ca);
        } catch (IOException e) {
            emulator.close();
            throw new UncheckedIOException(e);
        }
    }

    /** The vault where the engine's identities hold every minimum permission but {@code permission}. */
    public static String lackingVault(String permission) {
        return "lacks-" + permission;
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
