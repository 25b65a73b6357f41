package io.keymgmt.credentials;

/** Where a resolved credential value came from, for logs and tests. */
public enum CredentialSource {
    /** A process environment variable such as {@code AZURE_TENANT_ID}. */
    ENVIRONMENT,
    /** The provider's {@code credentials}. */
    PROVIDER,
    /** Neither gave a value; a default applies (only the environment has one). */
    DEFAULT
}
