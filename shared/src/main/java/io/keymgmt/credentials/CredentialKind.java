package io.keymgmt.credentials;

/** The kind of identity a provider authenticates with. */
public enum CredentialKind {
    /** An app registration's client id and secret, exchanged at the environment's Entra authority. */
    CLIENT_SECRET,
    /** The host's system-assigned managed identity: no client id was given anywhere. */
    SYSTEM_ASSIGNED_MANAGED_IDENTITY,
    /** A user-assigned managed identity named by its client id, given without a secret. */
    USER_ASSIGNED_MANAGED_IDENTITY
}
