package io.keymgmt.keys;

/**
 * How a distributed key is held at the KMS: {@code hsm} (Vault's default; a BYOK import into an
 * HSM-backed Key Vault) or {@code software} (a plain key import).
 */
public enum Protection {
    HSM("hsm"),
    SOFTWARE("software");

    /** Vault's default when a distribution names no protection. */
    public static final Protection DEFAULT = HSM;

    private final String wireName;

    Protection(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Exact, case-sensitive match on the wire name. */
    public static Protection fromWireName(String name) {
        for (Protection protection : values()) {
            if (protection.wireName.equals(name)) {
                return protection;
            }
        }
        throw new IllegalArgumentException("unknown protection \"" + name + "\"; valid protections are hsm and software");
    }
}
