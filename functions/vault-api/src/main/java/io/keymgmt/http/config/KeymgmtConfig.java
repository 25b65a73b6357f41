package io.keymgmt.http.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration every function app and the aggregate server read, all under {@code keymgmt.}:
 * application.properties, overridden by environment variables (on Azure: app settings), such as
 * KEYMGMT_STORAGE_CONNECTION_STRING for keymgmt.storage.connection-string.
 */
@ConfigMapping(prefix = "keymgmt")
public interface KeymgmtConfig {

    Api api();

    Storage storage();

    Seal seal();

    Azure azure();

    KeyVault keyvault();

    Rotation rotation();

    Actions actions();

    /**
     * Which function apps a build serves, by id ({@code keymgmt.app.deletion=true}). Read at build time,
     * where it decides which resources are built in (see FunctionApp); mapped here only so that the
     * settings are known.
     */
    Map<String, Boolean> app();

    /**
     * Build time: {@code custom-handler} in the custom-handler builds, which then serve the host's
     * invocations of timer and queue functions at /&lt;FunctionName&gt;. Absent elsewhere.
     */
    Optional<String> hosting();

    interface Api {
        /**
         * token: require {@link #token()} (Vault's X-Vault-Token); entra-id: require an Entra ID access
         * token for the API's app registration, with its app roles ({@link #entra()}); platform: the
         * Functions host authenticates.
         */
        @WithDefault("token")
        AuthMode auth();

        Optional<String> token();

        Entra entra();

        @WithDefault("65536")
        int maxBodyBytes();

        /** Where the API is mounted: /v1/&lt;mount-path&gt;/, as {@code vault secrets enable -path=...} chooses. */
        @WithDefault("keymgmt")
        String mountPath();
    }

    enum AuthMode {
        TOKEN, ENTRA_ID, PLATFORM
    }

    /** The API's own app registration in Entra ID, for keymgmt.api.auth=entra-id. */
    interface Entra {
        /** The directory (tenant) id whose tokens are accepted. */
        Optional<String> tenantId();

        /**
         * The audiences accepted: the app ID URI (api://...) and the client id of the API's app
         * registration; a token's aud must be one of them.
         */
        Optional<List<String>> audience();

        /** Where the tenant publishes its signing keys; another host for sovereign clouds or the emulator. */
        @WithDefault("https://login.microsoftonline.com")
        String authorityHost();
    }

    interface Storage {
        /** Azurite or a storage account with a key; otherwise {@link #endpoint()} with managed identity. */
        Optional<String> connectionString();

        Optional<String> endpoint();

        /** The queue service (rotation work) reached with the managed identity, when there is no connection string. */
        Optional<String> queueEndpoint();

        @WithDefault("keymgmt")
        String tablePrefix();
    }

    interface Seal {
        /** local-file (the local stack) or key-vault (production). */
        @WithDefault("key-vault")
        SealMode mode();

        /** For local-file: the key file, created on first use with owner-only permissions. */
        Optional<Path> localKeyFile();

        /** For key-vault: the versioned id of the RSA key that wraps data keys. */
        Optional<String> keyId();
    }

    enum SealMode {
        LOCAL_FILE, KEY_VAULT
    }

    interface Azure {
        /** Vault's rule (environment-first) or provider-first; see the README. */
        @WithDefault("environment-first")
        String credentialPrecedence();

        @WithDefault("AzurePublicCloud")
        String defaultEnvironment();

        /** Extra CA certificates to trust (PEM), e.g. the local Key Vault emulator's. */
        Optional<Path> trustCertificates();

        /** Custom environments by name: Private Link DNS set-ups and the local emulator. */
        Map<String, CustomEnvironment> environments();
    }

    interface CustomEnvironment {
        String audience();

        String authorityHost();

        @WithDefault("true")
        boolean verifyChallengeResource();

        /** A URL with {vault} in it, e.g. https://{vault}.privatelink.contoso.net. */
        Optional<String> vaultUrlTemplate();

        /** Or an explicit URL per vault name. */
        Map<String, String> vaults();
    }

    interface Rotation {
        /** The shortest auto_rotate_period a key may have; shorter ones are refused with a 400. */
        @WithDefault("1h")
        Duration minimumPeriod();

        /**
         * When the rotation timer fires, as an NCRONTAB expression (six fields, seconds first). On Azure the
         * Functions host reads it from the KEYMGMT_ROTATION_SCHEDULE app setting; locally the runtime reads it here.
         */
        @WithDefault("0 * * * * *")
        String schedule();

        /** Run the timer and the queue worker in this process (the local stack; never on Azure, where the host does). */
        @WithDefault("false")
        boolean localRuntime();

        /** At most this much work is queued per timer firing; the rest waits for the next one. */
        @WithDefault("1000")
        int planLimit();

        /** How long the reconciler waits after a distribution's first failure; it doubles with each further one. */
        @WithDefault("1m")
        Duration retryBackoff();

        /** The longest the reconciler waits between attempts. */
        @WithDefault("1h")
        Duration maximumRetryBackoff();

        /** The local runtime's delay before a failed message is tried again (on Azure: host.json visibilityTimeout). */
        @WithDefault("10s")
        Duration localRetryDelay();
    }

    /** The workflow actions (Logic Apps) and the operations they start. */
    interface Actions {
        /** How long an action's request waits for its operation to end before it answers 202 with a Location. */
        @WithDefault("3s")
        Duration answerWithin();

        /** The Retry-After a 202 gives: how long a workflow waits before it polls the operation again. */
        @WithDefault("5s")
        Duration retryAfter();

        /** How long an operation can be polled after it started; later polls answer 410. */
        @WithDefault("7d")
        Duration retention();

        /**
         * The address workflows reach this app at (https://host), for the Location of an operation; by
         * default the address the request came to. Set it behind a gateway that does not forward the host.
         */
        Optional<String> baseUrl();
    }

    interface KeyVault {
        /** Create and import calls allowed per vault per window; 0 turns pacing off. */
        @WithDefault("10")
        int pacingLimit();

        @WithDefault("10s")
        Duration pacingWindow();
    }
}
