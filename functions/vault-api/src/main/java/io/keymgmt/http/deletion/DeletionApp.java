package io.keymgmt.http.deletion;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.ServedApp;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** Present in builds that serve the deletion app; see {@link FunctionApp#DELETION}. */
@Singleton
@IfBuildProperty(name = "keymgmt.app.deletion", stringValue = "true")
public class DeletionApp implements ServedApp {

    @Override
    public FunctionApp app() {
        return FunctionApp.DELETION;
    }
}
