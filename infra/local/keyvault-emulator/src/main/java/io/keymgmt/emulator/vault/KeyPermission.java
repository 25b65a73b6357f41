package io.keymgmt.emulator.vault;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Key permissions of a Key Vault access policy, under the names Azure uses for them. */
public enum KeyPermission {
    GET("get"), LIST("list"), UPDATE("update"), CREATE("create"), IMPORT("import"), DELETE("delete"),
    RECOVER("recover"), BACKUP("backup"), RESTORE("restore"), PURGE("purge"), ENCRYPT("encrypt"),
    DECRYPT("decrypt"), WRAP_KEY("wrapKey"), UNWRAP_KEY("unwrapKey"), SIGN("sign"), VERIFY("verify");

    private final String azureName;

    KeyPermission(String azureName) {
        this.azureName = azureName;
    }

    /** The name as written in an access policy and in Key Vault's 403 messages. */
    public String azureName() {
        return azureName;
    }

    /**
     * Parses names case-insensitively, as access policies do; {@code all} stands for every
     * permission, as in {@code az keyvault set-policy --key-permissions all}.
     */
    public static Set<KeyPermission> parse(Iterable<String> names) {
        EnumSet<KeyPermission> permissions = EnumSet.noneOf(KeyPermission.class);
        for (String name : names) {
            String wanted = name == null ? "" : name.trim();
            if ("all".equalsIgnoreCase(wanted)) {
                permissions.addAll(EnumSet.allOf(KeyPermission.class));
                continue;
            }
            permissions.add(Arrays.stream(values()).filter(p -> p.azureName.equalsIgnoreCase(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown key permission '" + name
                            + "'; accepted (case-insensitive): " + acceptedNames() + " and all")));
        }
        return permissions;
    }

    static String acceptedNames() {
        return Arrays.stream(values()).map(p -> p.azureName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return azureName;
    }
}
