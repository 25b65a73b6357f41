package io.keymgmt.http.routes;

import java.util.List;

/**
 * One action workflows call (Logic Apps): POST /actions/{name} with a JSON object of its fields. A long
 * action calls Key Vault and answers with an operation to poll; the others answer at once. The Logic
 * Apps connector definition (infra/logic-apps) is held to these by a test.
 *
 * @param app the function app that serves it: the one whose identity has the permissions it needs
 * @param role the app role a caller needs: that of the Vault route doing the same thing
 * @param fields the body's fields; any other is refused with a 400
 */
public record WorkflowAction(String name, FunctionApp app, ApiRole role, boolean longRunning, String summary,
        List<Route.Parameter> fields) {

    public WorkflowAction {
        fields = List.copyOf(fields);
    }

    /** The path it is POSTed to. */
    public String path() {
        return WorkflowActions.ROOT + "/" + name;
    }
}
