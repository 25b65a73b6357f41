package io.keymgmt.http.help;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The version the API documents carry (Vault puts its own version there): the build's version, which
 * Quarkus records as quarkus.application.version from the Maven project.
 */
public final class ApiVersion {

    private ApiVersion() {
    }

    public static String current() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                    .orElse("unknown");
        } catch (IllegalStateException noConfiguration) {
            // Outside a Quarkus application (a unit test) there may be no configuration at all.
            return "unknown";
        }
    }
}
