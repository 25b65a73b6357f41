package io.keymgmt.http.config;

import com.azure.core.http.HttpClient;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.AzureEnvironments;
import io.keymgmt.credentials.CredentialPrecedence;
import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.credentials.TokenCredentialFactory;
import io.keymgmt.engine.EngineSettings;
import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.keyvault.AzureVaultConnector;
import io.keymgmt.keyvault.Pacer;
import io.keymgmt.keyvault.SlidingWindowPacer;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.KeyVaultKeyEncryptionKey;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.seal.Sealer;
import io.keymgmt.seal.SealingException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.table.TableStorage;
import io.keymgmt.transport.AzureHttpClients;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the engine once per process from {@link KeymgmtConfig}, at start-up: a missing or wrong
 * setting stops the app at once with one line naming it (Quarkus prints a ConfigurationException's
 * message alone), instead of failing the first request. Everything expensive (the HTTP client, table
 * clients, the sealer) is made here, not per request.
 */
@ApplicationScoped
public class EngineProducer {

    /** One HTTP client for every Azure call of the process: Key Vault, Entra ID, managed identity, storage. */
    @Produces
    @Singleton
    HttpClient azureHttpClient(KeymgmtConfig config) {
        try {
            return AzureHttpClients.create(config.azure().trustCertificates());
        } catch (IllegalStateException e) {
            throw new ConfigurationException("keymgmt.azure.trust-certificates (KEYMGMT_AZURE_TRUST_CERTIFICATES): "
                    + e.getMessage());
        }
    }

    @Produces
    @Singleton
    @Startup
    KeyManagementEngine engine(KeymgmtConfig config, HttpClient http) {
        KeymgmtConfig.Azure azure = config.azure();
        AzureEnvironments environments = environments(azure);
        CredentialResolver credentials = new CredentialResolver(System.getenv(), precedence(azure.credentialPrecedence()),
                environments, new TokenCredentialFactory(http));
        Pacer pacer = config.keyvault().pacingLimit() <= 0 ? Pacer.NONE
                : new SlidingWindowPacer(config.keyvault().pacingLimit(), config.keyvault().pacingWindow());
        Sealer sealer = sealer(config.seal(), http, environments);
        TableStorage tables = tables(config.storage(), http);
        return KeyManagementEngine.create(tables.keys(), tables.providers(), tables.operations(), sealer,
                new AzureVaultConnector(credentials, http, pacer), Clock.systemUTC(),
                settings(config.rotation(), config.actions()));
    }

    private static EngineSettings settings(KeymgmtConfig.Rotation rotation, KeymgmtConfig.Actions actions) {
        try {
            return new EngineSettings(rotation.minimumPeriod(), rotation.retryBackoff(), rotation.maximumRetryBackoff(),
                    actions.retention());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("keymgmt.rotation.minimum-period, retry-backoff, maximum-retry-backoff, "
                    + "keymgmt.actions.retention: " + e.getMessage());
        }
    }

    private static AzureEnvironments environments(KeymgmtConfig.Azure azure) {
        AzureEnvironments.Builder builder = AzureEnvironments.builder();
        for (Map.Entry<String, KeymgmtConfig.CustomEnvironment> e : azure.environments().entrySet()) {
            KeymgmtConfig.CustomEnvironment c = e.getValue();
            AzureEnvironment.Builder custom = AzureEnvironment.custom(e.getKey())
                    .keyVaultAudience(c.audience())
                    .authorityHost(c.authorityHost())
                    .verifyChallengeResource(c.verifyChallengeResource());
            if (c.vaultUrlTemplate().isPresent()) {
                custom.vaultUrlTemplate(c.vaultUrlTemplate().get());
            } else {
                custom.vaultUrls(c.vaults());
            }
            builder.add(custom.build());
        }
        try {
            return builder.defaultEnvironment(azure.defaultEnvironment()).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("keymgmt.azure.default-environment / keymgmt.azure.environments: "
                    + e.getMessage());
        }
    }

    private static CredentialPrecedence precedence(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "environment-first" -> CredentialPrecedence.ENVIRONMENT_FIRST;
            case "provider-first" -> CredentialPrecedence.PROVIDER_FIRST;
            default -> throw new ConfigurationException("keymgmt.azure.credential-precedence "
                    + "(KEYMGMT_AZURE_CREDENTIAL_PRECEDENCE) must be environment-first or provider-first, got " + value);
        };
    }

    private static TableStorage tables(KeymgmtConfig.Storage storage, HttpClient http) {
        TableStorage tables;
        String where;
        try {
            if (storage.connectionString().isPresent()) {
                where = "the storage account of keymgmt.storage.connection-string";
                tables = TableStorage.fromConnectionString(storage.connectionString().get(), http, storage.tablePrefix());
            } else if (storage.endpoint().isPresent()) {
                where = storage.endpoint().get();
                tables = TableStorage.fromEndpoint(storage.endpoint().get(),
                        new ManagedIdentityCredentialBuilder().httpClient(http).build(), http, storage.tablePrefix());
            } else {
                throw new ConfigurationException("set keymgmt.storage.endpoint (KEYMGMT_STORAGE_ENDPOINT, the Table "
                        + "Storage endpoint reached with the managed identity) or keymgmt.storage.connection-string "
                        + "(KEYMGMT_STORAGE_CONNECTION_STRING)");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("keymgmt.storage: " + e.getMessage());
        }
        try {
            return tables.ensureTables();
        } catch (StoreException e) {
            throw new ConfigurationException("cannot start: Table Storage at " + where + " did not answer as expected ("
                    + e.getMessage() + "); check keymgmt.storage.* and the identity's Storage Table Data role");
        }
    }

    private static Sealer sealer(KeymgmtConfig.Seal seal, HttpClient http, AzureEnvironments environments) {
        return switch (seal.mode()) {
            case LOCAL_FILE -> {
                var file = seal.localKeyFile().orElseThrow(() -> new ConfigurationException(
                        "keymgmt.seal.mode=local-file needs keymgmt.seal.local-key-file (KEYMGMT_SEAL_LOCAL_KEY_FILE)"));
                try {
                    yield new EnvelopeSealer(LocalKeyFileKek.openOrCreate(file));
                } catch (SealingException e) {
                    throw new ConfigurationException("keymgmt.seal.local-key-file (KEYMGMT_SEAL_LOCAL_KEY_FILE): "
                            + e.getMessage());
                }
            }
            case KEY_VAULT -> {
                String kid = seal.keyId().orElseThrow(() -> new ConfigurationException(
                        "keymgmt.seal.mode=key-vault needs keymgmt.seal.key-id (KEYMGMT_SEAL_KEY_ID), the versioned id "
                                + "of the sealing key"));
                // The function's own managed identity opens the sealing key; provider credentials never do.
                var credential = new ManagedIdentityCredentialBuilder().httpClient(http).build();
                boolean verify = environments.defaultEnvironment().verifyChallengeResource();
                KeyVaultKeyEncryptionKey current;
                try {
                    current = KeyVaultKeyEncryptionKey.open(kid, credential, http, verify);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("keymgmt.seal.key-id (KEYMGMT_SEAL_KEY_ID): " + e.getMessage());
                }
                yield new EnvelopeSealer(current, KeyVaultKeyEncryptionKey.resolver(current, credential, http, verify),
                        new SecureRandom());
            }
        };
    }
}
