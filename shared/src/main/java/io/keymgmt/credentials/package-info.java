/**
 * Which Azure cloud a KMS provider talks to, and with which identity.
 *
 * <p>{@link io.keymgmt.credentials.AzureEnvironment} describes a cloud: its Key Vault DNS suffix,
 * token audience and Entra authority. Custom environments cover Private Link DNS and the local
 * emulator. {@link io.keymgmt.credentials.CredentialResolver} applies Vault's precedence rule (process
 * environment, then the provider's {@code credentials}, then defaults; a client id and secret give a
 * client-secret credential, anything less a managed identity). It also offers a switch that lets the
 * provider win, for hosts such as Azure Functions that set {@code AZURE_CLIENT_ID} for their own
 * identity.
 */
package io.keymgmt.credentials;
