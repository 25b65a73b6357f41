package io.keymgmt.http.rotation;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.ServedApp;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;

/** Present in builds that serve the rotation app; see {@link FunctionApp#ROTATION}. */
@Singleton
@IfBuildProperty(name = "keymgmt.app.rotation", stringValue = "true")
public class RotationApp implements ServedApp {

    @Override
    public FunctionApp app() {
        return FunctionApp.ROTATION;
    }
}
