package io.keymgmt.keyvault;

import java.net.URI;

/** The name and version in a Key Vault key id {@code https://<vault>/keys/<name>/<version>}. */
record KeyId(String name, String version) {

    static KeyId parse(String kid) {
        String path = URI.create(kid).getPath();
        String[] parts = path.split("/");
        // "", "keys", name, version
        if (parts.length != 4 || !"keys".equals(parts[1]) || parts[2].isEmpty() || parts[3].isEmpty()) {
            throw new IllegalArgumentException("not a versioned Key Vault key id: " + kid);
        }
        return new KeyId(parts[2], parts[3]);
    }
}
