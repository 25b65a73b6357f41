package io.keymgmt.engine;

import java.util.regex.Pattern;

/**
 * The naming rules. Key and provider names are single URL path segments here and partition keys in
 * Table Storage; a key's name must also survive the trip into Azure, whose key names allow only
 * letters, digits and hyphens, up to 127 characters.
 */
public final class Names {

    /** 127 (Azure's limit) minus "-" and a ten-digit unix timestamp. */
    public static final int MAX_KEY_NAME = 116;
    public static final int MAX_PROVIDER_NAME = 128;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern NOT_AZURE_SAFE = Pattern.compile("[^0-9A-Za-z-]");

    private Names() {
    }

    public static String requireKeyName(String name) {
        return require("key", name, MAX_KEY_NAME);
    }

    public static String requireProviderName(String name) {
        return require("KMS provider", name, MAX_PROVIDER_NAME);
    }

    /**
     * The key's name in Azure: made Azure-safe, then "-" and a unix timestamp, as Vault does. A new
     * timestamp for each distribution keeps a redistribution clear of the soft-deleted previous one.
     */
    public static String azureKeyName(String keyName, long epochSecond) {
        return NOT_AZURE_SAFE.matcher(keyName).replaceAll("-") + "-" + epochSecond;
    }

    private static String require(String what, String name, int max) {
        if (name == null || name.isEmpty()) {
            throw KeyManagementException.invalid("missing " + what + " name");
        }
        if (name.length() > max || !NAME.matcher(name).matches()) {
            throw KeyManagementException.invalid(what + " name \"" + name + "\" is not valid: use letters, digits, "
                    + "'-', '_' and '.', starting with a letter or digit, at most " + max + " characters"
                    + (what.equals("key") ? " (Azure Key Vault must be able to hold it)" : ""));
        }
        return name;
    }
}
