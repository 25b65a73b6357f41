package io.keymgmt.http.keys;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.ServedApp;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** Present in builds that serve the key-distribution app; see {@link FunctionApp#KEY_DISTRIBUTION}. */
@Singleton
@IfBuildProperty(name = "keymgmt.app.key-distribution", stringValue = "true")
public class KeyDistributionApp implements ServedApp {

    @Override
    public FunctionApp app() {
        return FunctionApp.KEY_DISTRIBUTION;
    }
}
