package io.keymgmt.keys;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The key types of Vault's Key Management secrets engine, under the names Vault uses on the wire
 * ({@code type} when a key is created, {@code type} in a key read).
 *
 * <p>All of them can be created, as Vault allows; only the RSA types can go to Azure Key Vault
 * (Vault's compatibility matrix), which {@link #requireAzureKeyVaultCompatible()} enforces.
 */
public enum KeyType {
    AES256_GCM96("aes256-gcm96", 0),
    RSA_2048("rsa-2048", 2048),
    RSA_3072("rsa-3072", 3072),
    RSA_4096("rsa-4096", 4096),
    ECDSA_P256("ecdsa-p256", 0),
    ECDSA_P384("ecdsa-p384", 0),
    ECDSA_P521("ecdsa-p521", 0);

    private final String wireName;
    private final int rsaBits;

    KeyType(String wireName, int rsaBits) {
        this.wireName = wireName;
        this.rsaBits = rsaBits;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isRsa() {
        return rsaBits != 0;
    }

    /** The RSA modulus size in bits; only for RSA types. */
    public int rsaBits() {
        if (!isRsa()) {
            throw new IllegalStateException("key type \"" + wireName + "\" is not an RSA type and has no RSA size");
        }
        return rsaBits;
    }

    /**
     * Returns this type if Azure Key Vault can hold it, else refuses: Key Vault takes only RSA keys from
     * Vault's keymgmt engine.
     */
    public KeyType requireAzureKeyVaultCompatible() {
        if (!isRsa()) {
            throw new IllegalArgumentException("key type \"" + wireName
                    + "\" cannot be used with Azure Key Vault, which accepts " + rsaWireNamesInProse());
        }
        return this;
    }

    /** Exact, case-sensitive match on the wire name, as Vault does. */
    public static KeyType fromWireName(String name) {
        for (KeyType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        String shown = name == null ? "no key type" : "unknown key type \"" + name + "\"";
        throw new IllegalArgumentException(shown + "; valid key types are " + allWireNames());
    }

    /** The RSA type of exactly {@code bits} bits, if there is one. */
    public static Optional<KeyType> rsaOfSize(int bits) {
        return Arrays.stream(values()).filter(t -> t.rsaBits == bits && t.isRsa()).findFirst();
    }

    /** "rsa-2048, rsa-3072 and rsa-4096", for messages. */
    static String rsaWireNamesInProse() {
        String[] names = Arrays.stream(values()).filter(KeyType::isRsa).map(KeyType::wireName).toArray(String[]::new);
        return String.join(", ", Arrays.copyOf(names, names.length - 1)) + " and " + names[names.length - 1];
    }

    /** "2048, 3072 or 4096", for messages about RSA sizes. */
    public static String rsaSizesInProse() {
        int[] bits = Arrays.stream(values()).filter(KeyType::isRsa).mapToInt(t -> t.rsaBits).toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bits.length; i++) {
            text.append(i == 0 ? "" : i == bits.length - 1 ? " or " : ", ").append(bits[i]);
        }
        return text.toString();
    }

    private static String allWireNames() {
        return Arrays.stream(values()).map(KeyType::wireName).collect(Collectors.joining(", "));
    }
}
