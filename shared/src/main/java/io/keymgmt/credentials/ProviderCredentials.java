package io.keymgmt.credentials;

import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A KMS provider's {@code credentials} map for {@code azurekeyvault}: {@code tenant_id},
 * {@code client_id}, {@code client_secret} and {@code environment}, each optional.
 *
 * <p>The client secret is held in {@link SecretBytes}, which this object owns and wipes on
 * {@link #close}. {@link #toString} shows only whether a secret is set.
 */
public final class ProviderCredentials implements AutoCloseable {

    public static final String TENANT_ID = "tenant_id";
    public static final String CLIENT_ID = "client_id";
    public static final String CLIENT_SECRET = "client_secret";
    public static final String ENVIRONMENT = "environment";
    /** The accepted keys, in the order Vault documents them. */
    public static final List<String> ACCEPTED_KEYS = List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET, ENVIRONMENT);

    private final String tenantId;
    private final String clientId;
    private final SecretBytes clientSecret;
    private final String environment;

    private ProviderCredentials(String tenantId, String clientId, SecretBytes clientSecret, String environment) {
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.environment = environment;
    }

    /** A provider without credentials: everything comes from the process environment or defaults. */
    public static ProviderCredentials none() {
        return new ProviderCredentials(null, null, null, null);
    }

    /**
     * Reads a provider's {@code credentials} map. The caller's map still holds the secret as a
     * {@code String}; drop it soon.
     *
     * @throws IllegalArgumentException for an unknown key (naming it and the accepted ones) or a blank value
     */
    public static ProviderCredentials of(Map<String, String> credentials) {
        if (credentials == null || credentials.isEmpty()) {
            return none();
        }
        Set<String> unknown = new TreeSet<>(credentials.keySet());
        ACCEPTED_KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown credentials key" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + " for provider azurekeyvault; accepted keys: " + String.join(", ", ACCEPTED_KEYS));
        }
        List<String> blank = new ArrayList<>();
        for (String key : ACCEPTED_KEYS) {
            if (credentials.containsKey(key) && (credentials.get(key) == null || credentials.get(key).isBlank())) {
                blank.add(key);
            }
        }
        if (!blank.isEmpty()) {
            throw new IllegalArgumentException("credentials " + blank + " must not be blank; leave a key out to"
                    + " take it from the process environment or the default");
        }
        String secret = credentials.get(CLIENT_SECRET);
        return new ProviderCredentials(credentials.get(TENANT_ID), credentials.get(CLIENT_ID),
                secret == null ? null : SecretBytes.adopt(secret.getBytes(StandardCharsets.UTF_8)),
                credentials.get(ENVIRONMENT));
    }

    public Optional<String> tenantId() {
        return Optional.ofNullable(tenantId);
    }

    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    /** The secret's UTF-8 bytes, still owned by this object: read it, do not close it. */
    public Optional<SecretBytes> clientSecret() {
        return Optional.ofNullable(clientSecret);
    }

    /** The environment name as given; {@link AzureEnvironments#resolve} checks it. */
    public Optional<String> environment() {
        return Optional.ofNullable(environment);
    }

    public boolean isEmpty() {
        return tenantId == null && clientId == null && clientSecret == null && environment == null;
    }

    /** Wipes the client secret. */
    @Override
    public void close() {
        if (clientSecret != null) {
            clientSecret.close();
        }
    }

    /** Tenant, client id and environment are not secret; the client secret shows only as set. */
    @Override
    public String toString() {
        return "ProviderCredentials[tenant_id=" + tenantId + ", client_id=" + clientId
                + ", client_secret=" + (clientSecret == null ? "absent" : "(set)") + ", environment=" + environment + "]";
    }
}
