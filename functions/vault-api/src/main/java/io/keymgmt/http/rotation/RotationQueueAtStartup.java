package io.keymgmt.http.rotation;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.ServedApps;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * Makes the rotation queue at start-up in the apps that use it, so a missing queue setting or role
 * stops the app with its reason instead of failing the first workflow or timer that needs it.
 */
@ApplicationScoped
public class RotationQueueAtStartup {

    void check(@Observes StartupEvent event, ServedApps served, Instance<RotationQueue> queue) {
        if (served.serves(FunctionApp.ROTATION) || served.serves(FunctionApp.KEY_DISTRIBUTION)) {
            queue.get();
        }
    }
}
