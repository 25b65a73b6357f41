package io.keymgmt.keys;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a distributed key may be used for: Vault's {@code purpose} parameter, and the Azure Key Vault
 * {@code key_ops} each one grants.
 */
public enum KeyPurpose {
    ENCRYPT("encrypt", "encrypt"),
    DECRYPT("decrypt", "decrypt"),
    SIGN("sign", "sign"),
    VERIFY("verify", "verify"),
    WRAP("wrap", "wrapKey"),
    UNWRAP("unwrap", "unwrapKey");

    private final String wireName;
    private final String azureKeyOperation;

    KeyPurpose(String wireName, String azureKeyOperation) {
        this.wireName = wireName;
        this.azureKeyOperation = azureKeyOperation;
    }

    public String wireName() {
        return wireName;
    }

    /** The Key Vault {@code key_ops} value for this purpose. */
    public String azureKeyOperation() {
        return azureKeyOperation;
    }

    /** Exact, case-sensitive match on the wire name. */
    public static KeyPurpose fromWireName(String name) {
        for (KeyPurpose purpose : values()) {
            if (purpose.wireName.equals(name)) {
                return purpose;
            }
        }
        throw new IllegalArgumentException("unknown purpose \"" + name + "\"; valid purposes are " + allWireNames());
    }

    /**
     * Parses Vault's comma-separated form ({@code "encrypt, decrypt"}). Items are trimmed and blank items
     * (a trailing comma) ignored; the result keeps the order of first mention, duplicates collapsed.
     */
    public static Set<KeyPurpose> parseCommaSeparated(String commaSeparated) {
        if (commaSeparated == null) {
            return parseList(List.of());
        }
        return parseList(Arrays.asList(commaSeparated.split(",", -1)));
    }

    /**
     * Parses the JSON-array form ({@code ["encrypt","decrypt"]}, as Terraform sends it), one purpose per
     * item, with the same trimming, ordering and collapsing as {@link #parseCommaSeparated}.
     */
    public static Set<KeyPurpose> parseList(List<String> names) {
        Objects.requireNonNull(names, "names");
        Set<KeyPurpose> purposes = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null) {
                throw new IllegalArgumentException("a purpose may not be null; valid purposes are " + allWireNames());
            }
            String trimmed = name.trim();
            if (!trimmed.isEmpty()) {
                purposes.add(fromWireName(trimmed));
            }
        }
        if (purposes.isEmpty()) {
            throw new IllegalArgumentException("at least one purpose is required; valid purposes are " + allWireNames());
        }
        return Collections.unmodifiableSet(purposes);
    }

    /** The comma-joined wire form Vault returns when reading a distributed key ({@code "encrypt,decrypt"}). */
    public static String toCommaSeparated(Set<KeyPurpose> purposes) {
        return purposes.stream().map(KeyPurpose::wireName).collect(Collectors.joining(","));
    }

    /** The Key Vault {@code key_ops} for these purposes, in the same order. */
    public static List<String> azureKeyOperations(Set<KeyPurpose> purposes) {
        return purposes.stream().map(KeyPurpose::azureKeyOperation).collect(Collectors.toUnmodifiableList());
    }

    private static String allWireNames() {
        return Arrays.stream(values()).map(KeyPurpose::wireName).collect(Collectors.joining(", "));
    }
}
