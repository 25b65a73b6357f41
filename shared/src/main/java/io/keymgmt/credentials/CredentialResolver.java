package io.keymgmt.credentials;

import com.azure.core.credential.TokenCredential;
import io.keymgmt.secrets.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Vault's credentials precedence for {@code azurekeyvault} providers.
 *
 * <p>For each of tenant id, client id, client secret and environment, the value comes from the
 * process environment ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET},
 * {@code AZURE_ENVIRONMENT}), else from the provider's {@code credentials}, else from the default.
 * {@link CredentialPrecedence#PROVIDER_FIRST} swaps the first two. Each field is chosen on its own,
 * as in Vault, so a client id and a secret may come from different sources; the result then carries
 * a warning.
 *
 * <p>Then: a client id and a secret give a client-secret credential at the environment's authority.
 * A client id alone gives that user-assigned managed identity, and neither gives the
 * system-assigned identity. A secret without a client id is an error. The tenant id is required in
 * every case, as Vault requires it even for managed identities.
 *
 * <p>An empty environment variable counts as unset, as it does for Vault; an empty provider value is
 * refused earlier by {@link ProviderCredentials}.
 */
public final class CredentialResolver {

    public static final String AZURE_TENANT_ID = "AZURE_TENANT_ID";
    public static final String AZURE_CLIENT_ID = "AZURE_CLIENT_ID";
    public static final String AZURE_CLIENT_SECRET = "AZURE_CLIENT_SECRET";
    public static final String AZURE_ENVIRONMENT = "AZURE_ENVIRONMENT";

    private final String envTenantId;
    private final String envClientId;
    private final SecretBytes envClientSecret;
    private final String envEnvironment;
    private final CredentialPrecedence precedence;
    private final AzureEnvironments environments;
    private final TokenCredentialFactory factory;

    /**
     * @param processEnvironment a snapshot of the process environment; production passes
     *     {@code System.getenv()}. Only the four {@code AZURE_*} variables above are read and kept.
     */
    public CredentialResolver(Map<String, String> processEnvironment, CredentialPrecedence precedence,
            AzureEnvironments environments, TokenCredentialFactory factory) {
        Objects.requireNonNull(processEnvironment, "processEnvironment");
        this.envTenantId = nonBlank(processEnvironment.get(AZURE_TENANT_ID));
        this.envClientId = nonBlank(processEnvironment.get(AZURE_CLIENT_ID));
        String secret = nonBlank(processEnvironment.get(AZURE_CLIENT_SECRET));
        this.envClientSecret = secret == null ? null : SecretBytes.adopt(secret.getBytes(StandardCharsets.UTF_8));
        this.envEnvironment = nonBlank(processEnvironment.get(AZURE_ENVIRONMENT));
        this.precedence = Objects.requireNonNull(precedence, "precedence");
        this.environments = Objects.requireNonNull(environments, "environments");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public CredentialPrecedence precedence() {
        return precedence;
    }

    /**
     * The credential for a provider. Builds the azure-identity credential without any network call.
     *
     * @throws IllegalArgumentException if no tenant id is set, a secret has no client id, or the
     *     environment name is unknown; the message says which setting to change
     */
    public ResolvedCredential resolve(ProviderCredentials provider) {
        Objects.requireNonNull(provider, "provider");
        Choice<String> environmentName = choose(envEnvironment, provider.environment().orElse(null));
        AzureEnvironment environment;
        CredentialSource environmentSource;
        if (environmentName == null) {
            environment = environments.defaultEnvironment();
            environmentSource = CredentialSource.DEFAULT;
        } else {
            try {
                environment = environments.resolve(environmentName.value());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (the name came from "
                        + origin(environmentName.source(), AZURE_ENVIRONMENT, ProviderCredentials.ENVIRONMENT) + ")", e);
            }
            environmentSource = environmentName.source();
        }

        Choice<String> tenantId = choose(envTenantId, provider.tenantId().orElse(null));
        Choice<String> clientId = choose(envClientId, provider.clientId().orElse(null));
        Choice<SecretBytes> secret = choose(envClientSecret, provider.clientSecret().orElse(null));

        if (tenantId == null) {
            throw new IllegalArgumentException("no tenant id is set: set " + ProviderCredentials.TENANT_ID
                    + " in the provider's credentials or the " + AZURE_TENANT_ID + " environment variable. It is"
                    + " required for every kind of credential, managed identities included, as in Vault");
        }
        if (secret != null && clientId == null) {
            throw new IllegalArgumentException("a client secret is set (from "
                    + origin(secret.source(), AZURE_CLIENT_SECRET, ProviderCredentials.CLIENT_SECRET)
                    + ") but no client id: set " + ProviderCredentials.CLIENT_ID + " in the provider's credentials or "
                    + AZURE_CLIENT_ID + ", or remove the secret to use the system-assigned managed identity");
        }

        List<String> warnings = new ArrayList<>();
        if (environment.isRetired()) {
            warnings.add("Azure environment " + environment.name() + " is retired; its endpoints no longer answer");
        }
        TokenCredential tokenCredential;
        CredentialKind kind;
        if (secret != null) {
            kind = CredentialKind.CLIENT_SECRET;
            if (clientId.source() != secret.source()) {
                warnings.add("the client id comes from "
                        + origin(clientId.source(), AZURE_CLIENT_ID, ProviderCredentials.CLIENT_ID)
                        + " but the client secret from "
                        + origin(secret.source(), AZURE_CLIENT_SECRET, ProviderCredentials.CLIENT_SECRET)
                        + "; if " + AZURE_CLIENT_ID + " belongs to the host's own managed identity (as on Azure"
                        + " Functions), set the credential precedence to " + CredentialPrecedence.PROVIDER_FIRST);
            }
            tokenCredential = factory.clientSecret(environment, tenantId.value(), clientId.value(), secret.value());
        } else if (clientId != null) {
            kind = CredentialKind.USER_ASSIGNED_MANAGED_IDENTITY;
            tokenCredential = factory.userAssignedManagedIdentity(clientId.value());
        } else {
            kind = CredentialKind.SYSTEM_ASSIGNED_MANAGED_IDENTITY;
            tokenCredential = factory.systemAssignedManagedIdentity();
        }
        return new ResolvedCredential(tokenCredential, kind, environment, environmentSource, tenantId.value(),
                tenantId.source(), clientId == null ? null : clientId.value(),
                clientId == null ? null : clientId.source(), secret == null ? null : secret.source(), warnings);
    }

    /** The winning value and its source, or null when neither source has one. */
    private <T> Choice<T> choose(T fromEnvironment, T fromProvider) {
        Choice<T> environment = fromEnvironment == null ? null : new Choice<>(fromEnvironment, CredentialSource.ENVIRONMENT);
        Choice<T> provider = fromProvider == null ? null : new Choice<>(fromProvider, CredentialSource.PROVIDER);
        Choice<T> first = precedence == CredentialPrecedence.ENVIRONMENT_FIRST ? environment : provider;
        Choice<T> second = precedence == CredentialPrecedence.ENVIRONMENT_FIRST ? provider : environment;
        return Optional.ofNullable(first).orElse(second);
    }

    private static String origin(CredentialSource source, String variable, String key) {
        return source == CredentialSource.ENVIRONMENT
                ? "the " + variable + " environment variable"
                : "the provider's " + key;
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private record Choice<T>(T value, CredentialSource source) {
    }
}
