package io.keymgmt.server.config;

import com.azure.core.http.HttpClient;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.keymgmt.credentials.AzureEnvironment;
import io.keymgmt.credentials.AzureEnvironments;
import io.keymgmt.credentials.CredentialPrecedence;
import io.keymgmt.credentials.CredentialResolver;
import io.keymgmt.credentials.TokenCredentialFactory;
import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.keyvault.KeyVaultConnector;
import io.keymgmt.keyvault.Pacer;
import io.keymgmt.keyvault.SlidingWindowPacer;
import io.keymgmt.seal.EnvelopeSealer;
import io.keymgmt.seal.KeyVaultKeyEncryptionKey;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.seal.Sealer;
import io.keymgmt.store.table.TableStorage;
import io.keymgmt.transport.AzureHttpClients;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the engine once per process from {@link KeymgmtConfig}: everything that is expensive to make
 * (the HTTP client, table clients, the sealer) is made here, not per request.
 */
@ApplicationScoped
public class EngineProducer {

    @Produces
    @ApplicationScoped
    KeyManagementEngine engine(KeymgmtConfig config) {
        KeymgmtConfig.Azure azure = config.azure();
        HttpClient http = AzureHttpClients.create(azure.trustCertificates());
        AzureEnvironments environments = environments(azure);
        TokenCredentialFactory tokens = new TokenCredentialFactory(http);
        CredentialResolver credentials = new CredentialResolver(System.getenv(), precedence(azure.credentialPrecedence()),
                environments, tokens);
        TableStorage tables = tables(config.storage(), http).ensureTables();
        Pacer pacer = config.keyvault().pacingLimit() <= 0 ? Pacer.NONE
                : new SlidingWindowPacer(config.keyvault().pacingLimit(), config.keyvault().pacingWindow());
        return KeyManagementEngine.create(tables.keys(), tables.providers(), sealer(config.seal(), http, environments),
                credentials, new KeyVaultConnector(http, pacer), Clock.systemUTC());
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
        return builder.defaultEnvironment(azure.defaultEnvironment()).build();
    }

    private static CredentialPrecedence precedence(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "environment-first" -> CredentialPrecedence.ENVIRONMENT_FIRST;
            case "provider-first" -> CredentialPrecedence.PROVIDER_FIRST;
            default -> throw new IllegalArgumentException("keymgmt.azure.credential-precedence must be environment-first"
                    + " or provider-first, got " + value);
        };
    }

    private static TableStorage tables(KeymgmtConfig.Storage storage, HttpClient http) {
        if (storage.connectionString().isPresent()) {
            return TableStorage.fromConnectionString(storage.connectionString().get(), http, storage.tablePrefix());
        }
        String endpoint = storage.endpoint().orElseThrow(() -> new IllegalStateException(
                "set keymgmt.storage.connection-string or keymgmt.storage.endpoint (with managed identity)"));
        return TableStorage.fromEndpoint(endpoint, new ManagedIdentityCredentialBuilder().httpClient(http).build(), http,
                storage.tablePrefix());
    }

    private static Sealer sealer(KeymgmtConfig.Seal seal, HttpClient http, AzureEnvironments environments) {
        return switch (seal.mode()) {
            case LOCAL_FILE -> new EnvelopeSealer(LocalKeyFileKek.openOrCreate(seal.localKeyFile().orElseThrow(() ->
                    new IllegalStateException("keymgmt.seal.mode=local-file needs keymgmt.seal.local-key-file"))));
            case KEY_VAULT -> {
                String kid = seal.keyId().orElseThrow(() -> new IllegalStateException(
                        "keymgmt.seal.mode=key-vault needs keymgmt.seal.key-id, the versioned id of the sealing key"));
                // The function's own managed identity opens the sealing key; provider credentials never do.
                var credential = new ManagedIdentityCredentialBuilder().httpClient(http).build();
                boolean verify = environments.defaultEnvironment().verifyChallengeResource();
                KeyVaultKeyEncryptionKey current = KeyVaultKeyEncryptionKey.open(kid, credential, http, verify);
                yield new EnvelopeSealer(current, KeyVaultKeyEncryptionKey.resolver(current, credential, http, verify),
                        new SecureRandom());
            }
        };
    }
}
