package io.keymgmt.http.auth;

import io.keymgmt.http.config.KeymgmtConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Fails start-up when the configured authentication cannot work: the API must never be open by accident. */
@Singleton
public class ApiTokenCheck {

    void onStart(@Observes StartupEvent event, KeymgmtConfig config) {
        switch (config.api().auth()) {
            case TOKEN -> {
                if (config.api().token().map(String::isBlank).orElse(true)) {
                    throw new ConfigurationException("keymgmt.api.auth=token needs keymgmt.api.token (KEYMGMT_API_TOKEN); "
                            + "on Azure use keymgmt.api.auth=entra-id, and platform only where the Functions host "
                            + "authenticates callers");
                }
            }
            case ENTRA_ID -> {
                try {
                    TokenFilter.entraIdTokens(config);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(e.getMessage() + " (KEYMGMT_API_ENTRA_TENANT_ID, "
                            + "KEYMGMT_API_ENTRA_AUDIENCE)");
                }
            }
            case PLATFORM -> {
                // The host (App Service authentication) has authenticated the caller before we see it.
            }
        }
    }
}
