package io.keymgmt.engine;

import io.keymgmt.keyvault.KeyVaultException;

/** Explains a Key Vault failure to the caller in terms of what they can do about it. */
final class AzureFaults {

    private AzureFaults() {
    }

    static KeyManagementException explain(String providerName, KeyVaultException e) {
        String vault = "Azure Key Vault " + e.vault() + " (KMS provider \"" + providerName + "\")";
        return switch (e.reason()) {
            case FORBIDDEN -> new KeyManagementException(Fault.AZURE_DENIED, vault + " refused " + e.operation()
                    + e.missingPermission().map(p -> ": the identity lacks the keys/" + p + " permission. Grant it"
                            + " in the vault's access policy, or a role with that data action").orElse(
                            ". Grant this function's identity its key permissions (see the README) in the vault's"
                                    + " access policy or by role")
                    + ". Azure said: " + e.getMessage(),
                    null, e);
            case UNAUTHENTICATED -> new KeyManagementException(Fault.AZURE_DENIED,
                    "cannot authenticate to " + vault + ": " + e.getMessage()
                            + ". Check the provider's tenant_id, client_id and client_secret, or the managed identity.",
                    null, e);
            case THROTTLED -> new KeyManagementException(Fault.AZURE_THROTTLED, vault
                    + " is throttling requests; retry later. " + e.getMessage(), e.retryAfter().orElse(null), e);
            case CONFLICT -> new KeyManagementException(Fault.CONFLICT, vault + " refused " + e.operation()
                    + ": " + e.getMessage(), null, e);
            case NOT_FOUND -> new KeyManagementException(Fault.CONFLICT, vault + " no longer holds what this engine "
                    + "put there (deleted outside it?): " + e.getMessage()
                    + ". Remove the key from the provider and distribute it again.", null, e);
            case REJECTED, UNAVAILABLE -> new KeyManagementException(Fault.AZURE_FAILED, vault + " failed "
                    + e.operation() + ": " + e.getMessage(), null, e);
        };
    }
}
