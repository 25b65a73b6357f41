package io.keymgmt.emulator.vault;

import java.util.Map;

/**
 * A Key Vault error reply: HTTP status and the {@code {"error":{"code","message","innererror"}}}
 * body. Thrown anywhere in request handling and rendered once by {@link VaultEndpoint}.
 */
final class KeyVaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String innerCode;
    private final transient Map<String, String> headers;

    KeyVaultException(int status, String code, String message, String innerCode, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.innerCode = innerCode;
        this.headers = headers;
    }

    static KeyVaultException badParameter(String message) {
        return new KeyVaultException(400, "BadParameter", message, null, Map.of());
    }

    static KeyVaultException keyNotFound(String nameOrId) {
        return new KeyVaultException(404, "KeyNotFound", "A key with (name/id) " + nameOrId + " was not found in this "
                + "key vault. If you recently deleted this key you may be able to recover it using the correct "
                + "recovery command. For help resolving this issue, please see "
                + "https://go.microsoft.com/fwlink/?linkid=2125182", null, Map.of());
    }

    static KeyVaultException deletedKeyNotFound(String name) {
        return new KeyVaultException(404, "KeyNotFound", "Deleted Key not found: " + name, null, Map.of());
    }

    static KeyVaultException deletedButRecoverable(String name) {
        return new KeyVaultException(409, "Conflict", "Key " + name + " is currently in a deleted but recoverable "
                + "state, and its name cannot be reused; in this state, the key can only be recovered or purged.",
                "ObjectIsDeletedButRecoverable", Map.of());
    }

    static KeyVaultException forbidden(String message, String innerCode) {
        return new KeyVaultException(403, "Forbidden", message, innerCode, Map.of());
    }

    static KeyVaultException notSupported(String message) {
        return new KeyVaultException(501, "NotImplemented", message, null, Map.of());
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Null when the reply has no innererror. */
    String innerCode() {
        return innerCode;
    }

    Map<String, String> headers() {
        return headers;
    }
}
