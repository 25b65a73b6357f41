package io.keymgmt.emulator.vault;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Key Vault api-versions the emulator answers: 7.4, 7.5, 7.6 and dated versions up to
 * 2025-07-01 (the default of azure-security-keyvault-keys 4.11.1). The JSON is the same for all of
 * them in everything the emulator serves.
 */
final class ApiVersions {

    static final String LATEST = "2025-07-01";
    private static final Set<String> NUMBERED = Set.of("7.4", "7.5", "7.6");
    private static final Pattern DATED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private ApiVersions() {
    }

    static void check(String apiVersion) {
        if (apiVersion == null || apiVersion.isEmpty()) {
            throw new KeyVaultException(400, "MissingApiVersionParameter", "The api-version query parameter "
                    + "(?api-version=) is required for all requests. Supported versions: 7.4, 7.5, 7.6 and dated "
                    + "versions up to " + LATEST + ".", null, java.util.Map.of());
        }
        boolean dated = DATED.matcher(apiVersion).matches() && apiVersion.substring(0, 10).compareTo(LATEST) <= 0;
        if (!NUMBERED.contains(apiVersion) && !dated) {
            throw KeyVaultException.badParameter("The specified version (" + apiVersion + ") is not recognized. "
                    + "Consider using the latest supported version (" + LATEST + "); this emulator accepts 7.4, 7.5, "
                    + "7.6 and dated versions up to " + LATEST + ".");
        }
    }
}
