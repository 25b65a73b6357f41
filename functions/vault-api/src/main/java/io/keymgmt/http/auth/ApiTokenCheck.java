package io.keymgmt.http.auth;

import io.keymgmt.http.config.KeymgmtConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Fails start-up in token mode without a token: the API must never be open by accident. (entra-id's
 * settings are checked where its token check is built, {@link TokenFilter}.)
 */
@Singleton
public class ApiTokenCheck {

    void onStart(@Observes StartupEvent event, KeymgmtConfig config) {
        if (config.api().auth() == KeymgmtConfig.AuthMode.TOKEN
                && config.api().token().map(String::isBlank).orElse(true)) {
            throw new ConfigurationException("keymgmt.api.auth=token needs keymgmt.api.token (KEYMGMT_API_TOKEN); "
                    + "on Azure use keymgmt.api.auth=entra-id, and platform only where the Functions host "
                    + "authenticates callers");
        }
    }
}
