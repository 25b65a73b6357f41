package io.keymgmt.credentials;

/**
 * Which source wins, field by field, when both the process environment and a provider's
 * {@code credentials} give a value.
 */
public enum CredentialPrecedence {

    /**
     * Vault's rule and the default: {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID},
     * {@code AZURE_CLIENT_SECRET} and {@code AZURE_ENVIRONMENT} override the provider's values.
     */
    ENVIRONMENT_FIRST,

    /**
     * The provider's values override the process environment, which then only fills gaps. Choose
     * this on Azure Functions and other hosts that set {@code AZURE_CLIENT_ID} for their own
     * user-assigned identity. Under Vault's rule that variable would silently replace every
     * provider's {@code client_id}, and it would be paired with the provider's secret.
     */
    PROVIDER_FIRST
}
