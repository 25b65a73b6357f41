package io.keymgmt.http.routes;

/**
 * A function app this build serves. Each app's package has one implementation, included by the same
 * build property as that app's resources ({@link FunctionApp#buildProperty()}), so what a running
 * process says it serves is exactly what was built into it.
 */
public interface ServedApp {

    FunctionApp app();
}
