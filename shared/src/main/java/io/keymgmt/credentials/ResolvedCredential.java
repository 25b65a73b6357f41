package io.keymgmt.credentials;

import com.azure.core.credential.TokenCredential;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity a provider will use, with where each value came from. It holds no secret itself;
 * the {@link #tokenCredential()} keeps the client secret inside azure-identity.
 */
public final class ResolvedCredential {

    private final TokenCredential tokenCredential;
    private final CredentialKind kind;
    private final AzureEnvironment environment;
    private final CredentialSource environmentSource;
    private final String tenantId;
    private final CredentialSource tenantIdSource;
    private final String clientId;
    private final CredentialSource clientIdSource;
    private final CredentialSource clientSecretSource;
    private final List<String> warnings;

    ResolvedCredential(TokenCredential tokenCredential, CredentialKind kind, AzureEnvironment environment,
            CredentialSource environmentSource, String tenantId, CredentialSource tenantIdSource, String clientId,
            CredentialSource clientIdSource, CredentialSource clientSecretSource, List<String> warnings) {
        this.tokenCredential = Objects.requireNonNull(tokenCredential);
        this.kind = kind;
        this.environment = environment;
        this.environmentSource = environmentSource;
        this.tenantId = tenantId;
        this.tenantIdSource = tenantIdSource;
        this.clientId = clientId;
        this.clientIdSource = clientIdSource;
        this.clientSecretSource = clientSecretSource;
        this.warnings = List.copyOf(warnings);
    }

    /** An azure-identity {@code ClientSecretCredential} or {@code ManagedIdentityCredential}. */
    public TokenCredential tokenCredential() {
        return tokenCredential;
    }

    public CredentialKind kind() {
        return kind;
    }

    public AzureEnvironment environment() {
        return environment;
    }

    public CredentialSource environmentSource() {
        return environmentSource;
    }

    public String tenantId() {
        return tenantId;
    }

    public CredentialSource tenantIdSource() {
        return tenantIdSource;
    }

    /** The app's or user-assigned identity's client id; empty for a system-assigned identity. */
    public Optional<String> clientId() {
        return Optional.ofNullable(clientId);
    }

    public Optional<CredentialSource> clientIdSource() {
        return Optional.ofNullable(clientIdSource);
    }

    /** Where the client secret came from; empty for a managed identity. */
    public Optional<CredentialSource> clientSecretSource() {
        return Optional.ofNullable(clientSecretSource);
    }

    /**
     * Things an operator should know that do not stop the provider from working: a client id and
     * secret taken from different sources (the Azure Functions {@code AZURE_CLIENT_ID} trap), or a
     * retired cloud.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** A log line without secrets, e.g. which source gave the client id. */
    public String describe() {
        StringBuilder line = new StringBuilder();
        line.append(switch (kind) {
            case CLIENT_SECRET -> "client secret credential";
            case SYSTEM_ASSIGNED_MANAGED_IDENTITY -> "system-assigned managed identity";
            case USER_ASSIGNED_MANAGED_IDENTITY -> "user-assigned managed identity";
        });
        line.append(" in ").append(environment.name()).append(" (").append(from(environmentSource)).append(')');
        line.append(", tenant ").append(tenantId).append(" (").append(from(tenantIdSource)).append(')');
        if (clientId != null) {
            line.append(", client id ").append(clientId).append(" (").append(from(clientIdSource)).append(')');
        }
        if (clientSecretSource != null) {
            line.append(", client secret (").append(from(clientSecretSource)).append(')');
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return "ResolvedCredential[" + describe() + "]";
    }

    private static String from(CredentialSource source) {
        return switch (source) {
            case ENVIRONMENT -> "from the process environment";
            case PROVIDER -> "from the provider's credentials";
            case DEFAULT -> "default";
        };
    }
}
