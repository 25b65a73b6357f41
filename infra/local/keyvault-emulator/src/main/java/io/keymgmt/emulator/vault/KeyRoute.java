package io.keymgmt.emulator.vault;

import java.util.Locale;
import java.util.Set;

/**
 * Which Key Vault operation a request is, from its method and path. Versions may be empty
 * ({@code /keys/k/} or {@code /keys/k//wrapkey}), which means the latest, because that is how the
 * SDK addresses an unversioned key.
 */
record KeyRoute(Operation operation, String keyName, String version) {

    enum Operation {
        CREATE(KeyPermission.CREATE, null), IMPORT(KeyPermission.IMPORT, null), GET(KeyPermission.GET, null),
        LIST(KeyPermission.LIST, null), LIST_VERSIONS(KeyPermission.LIST, null), UPDATE(KeyPermission.UPDATE, null),
        DELETE(KeyPermission.DELETE, null), GET_DELETED(KeyPermission.GET, null),
        LIST_DELETED(KeyPermission.LIST, null), RECOVER(KeyPermission.RECOVER, null),
        PURGE(KeyPermission.PURGE, null), WRAP_KEY(KeyPermission.WRAP_KEY, "wrapKey"),
        UNWRAP_KEY(KeyPermission.UNWRAP_KEY, "unwrapKey"), ENCRYPT(KeyPermission.ENCRYPT, "encrypt"),
        DECRYPT(KeyPermission.DECRYPT, "decrypt"), SIGN(KeyPermission.SIGN, "sign");

        private final KeyPermission permission;
        private final String keyOperation;

        Operation(KeyPermission permission, String keyOperation) {
            this.permission = permission;
            this.keyOperation = keyOperation;
        }

        KeyPermission permission() {
            return permission;
        }

        /** The key_ops entry a cryptographic operation needs; null for management operations. */
        String keyOperation() {
            return keyOperation;
        }

        static Operation crypto(String segment) {
            return switch (segment.toLowerCase(Locale.ROOT)) {
                case "wrapkey" -> WRAP_KEY;
                case "unwrapkey" -> UNWRAP_KEY;
                case "encrypt" -> ENCRYPT;
                case "decrypt" -> DECRYPT;
                case "sign" -> SIGN;
                default -> null;
            };
        }
    }

    /** Key Vault operations that exist but that this emulator does not implement: named, not mistaken for keys. */
    private static final Set<String> UNSUPPORTED_KEY_SEGMENTS =
            Set.of("backup", "restore", "rotate", "rotationpolicy", "release", "verify");
    private static final Set<String> UNSUPPORTED_COLLECTIONS = Set.of("secrets", "deletedsecrets", "certificates",
            "deletedcertificates", "storage", "rng");

    static KeyRoute parse(String method, String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        String[] s = path.split("/", -1);
        int n = s.length;
        String collection = s[0].toLowerCase(Locale.ROOT);
        boolean get = "GET".equals(method);
        boolean post = "POST".equals(method);
        if ("keys".equals(collection)) {
            if (n == 1 || n == 2 && s[1].isEmpty()) {
                if (get) {
                    return new KeyRoute(Operation.LIST, null, null);
                }
            } else if (n == 2) {
                switch (method) {
                    case "GET": return new KeyRoute(Operation.GET, s[1], "");
                    case "PUT": return new KeyRoute(Operation.IMPORT, s[1], null);
                    case "DELETE": return new KeyRoute(Operation.DELETE, s[1], null);
                    case "PATCH": return new KeyRoute(Operation.UPDATE, s[1], "");
                    default: break;
                }
            } else if (n == 3 || n == 4 && s[3].isEmpty()) {
                String segment = s[2];
                String lower = segment.toLowerCase(Locale.ROOT);
                Operation crypto = Operation.crypto(lower);
                if ("create".equals(lower) && post) {
                    return new KeyRoute(Operation.CREATE, s[1], null);
                } else if ("versions".equals(lower) && get) {
                    return new KeyRoute(Operation.LIST_VERSIONS, s[1], null);
                } else if (crypto != null && post) {
                    return new KeyRoute(crypto, s[1], "");
                } else if (UNSUPPORTED_KEY_SEGMENTS.contains(lower) && n == 3) {
                    throw unsupported(method, rawPath);
                } else if (get) {
                    return new KeyRoute(Operation.GET, s[1], segment);
                } else if ("PATCH".equals(method)) {
                    return new KeyRoute(Operation.UPDATE, s[1], segment);
                }
            } else if (n == 4) {
                Operation crypto = Operation.crypto(s[3]);
                if (crypto != null && post) {
                    return new KeyRoute(crypto, s[1], s[2]);
                }
                if (UNSUPPORTED_KEY_SEGMENTS.contains(s[3].toLowerCase(Locale.ROOT))) {
                    throw unsupported(method, rawPath);
                }
            }
        } else if ("deletedkeys".equals(collection)) {
            if (n == 1 || n == 2 && s[1].isEmpty()) {
                if (get) {
                    return new KeyRoute(Operation.LIST_DELETED, null, null);
                }
            } else if (n == 2) {
                if (get) {
                    return new KeyRoute(Operation.GET_DELETED, s[1], null);
                }
                if ("DELETE".equals(method)) {
                    return new KeyRoute(Operation.PURGE, s[1], null);
                }
            } else if (n == 3 && "recover".equalsIgnoreCase(s[2]) && post) {
                return new KeyRoute(Operation.RECOVER, s[1], null);
            }
        } else if (UNSUPPORTED_COLLECTIONS.contains(collection)) {
            throw unsupported(method, rawPath);
        }
        throw KeyVaultException.badParameter("There is no Key Vault operation " + method + " " + rawPath + " in this "
                + "emulator. It serves POST /keys/{name}/create, PUT /keys/{name}, GET /keys/{name}[/{version}], "
                + "GET /keys, GET /keys/{name}/versions, PATCH /keys/{name}/{version}, DELETE /keys/{name}, "
                + "POST /keys/{name}/{version}/wrapkey|unwrapkey|encrypt|decrypt|sign, GET /deletedkeys[/{name}], "
                + "POST /deletedkeys/{name}/recover and DELETE /deletedkeys/{name}.");
    }

    private static KeyVaultException unsupported(String method, String rawPath) {
        return KeyVaultException.notSupported(method + " " + rawPath + " is a Key Vault operation this emulator does "
                + "not support; it emulates key management (create, import, get, list, update, delete, recover, "
                + "purge) and wrapKey, unwrapKey, encrypt, decrypt and sign.");
    }
}
