package io.keymgmt.hosting;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.testkit.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;

/** The two ways a function app ships, and where the build leaves each app's deployable folder. */
enum Packaging {
    /** The Functions Java worker: quarkus-azure-functions-http's target/azure-functions/keymgmt-&lt;app&gt;/. */
    JAVA_WORKER,
    /** A custom handler (native executable, or its JVM launcher here): native-build's assembled folders. */
    CUSTOM_HANDLER;

    Path folder(FunctionApp app) {
        Path root = RepositoryRoot.locate();
        Path folder = switch (this) {
            case JAVA_WORKER -> root.resolve("functions").resolve(app.id()).resolve("target/azure-functions")
                    .resolve(app.appName());
            case CUSTOM_HANDLER -> root.resolve("native-build/target/custom-handlers").resolve(app.appName());
        };
        if (!Files.isRegularFile(folder.resolve("host.json"))) {
            throw new IllegalStateException(folder + " has no host.json: build the apps first ("
                    + "./mvnw -B package builds every packaging)");
        }
        return folder;
    }

    /** What FUNCTIONS_WORKER_RUNTIME is set to for this packaging on Azure. */
    String workerRuntime() {
        return this == JAVA_WORKER ? "java" : "custom";
    }
}
