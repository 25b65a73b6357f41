package io.keymgmt.http.providers;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.ServedApp;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** Present in builds that serve the provider-configuration app; see {@link FunctionApp#PROVIDER_CONFIGURATION}. */
@Singleton
@IfBuildProperty(name = "keymgmt.app.provider-configuration", stringValue = "true")
public class ProviderConfigurationApp implements ServedApp {

    @Override
    public FunctionApp app() {
        return FunctionApp.PROVIDER_CONFIGURATION;
    }
}
