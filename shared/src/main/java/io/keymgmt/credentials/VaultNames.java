package io.keymgmt.credentials;

/**
 * Azure's rules for a Key Vault name (Vault's {@code key_collection}): 3 to 24 characters, ASCII
 * letters, digits and hyphens, starting with a letter, ending with a letter or digit, and no two
 * hyphens in a row.
 */
public final class VaultNames {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 24;

    private VaultNames() {
    }

    /**
     * Returns {@code name} if it is a valid vault name.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireValid(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("\"" + name + "\" is not a valid Azure Key Vault name: " + problem
                    + ". A vault name has " + MIN_LENGTH + " to " + MAX_LENGTH + " characters: letters, digits and"
                    + " hyphens, starting with a letter, ending with a letter or digit, without consecutive hyphens");
        }
        return name;
    }

    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() < MIN_LENGTH || name.length() > MAX_LENGTH) {
            return "it has " + name.length() + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '-') {
                return "it contains '" + c + "'";
            }
        }
        if (!isAsciiLetter(name.charAt(0))) {
            return "it does not start with a letter";
        }
        if (name.charAt(name.length() - 1) == '-') {
            return "it ends with a hyphen";
        }
        if (name.contains("--")) {
            return "it contains consecutive hyphens";
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
