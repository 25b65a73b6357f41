package io.keymgmt.http.hosting;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.WorkflowActions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one HTTP-triggered Azure Function of a function app: every request below the (empty) route
 * prefix, for the HTTP methods the app's routes use. Azure routes only standard methods, so Vault's
 * LIST verb is never among them; clients list with GET ?list=true there. GET is always in, for health; POST
 * is in for an app that serves workflow actions.
 */
public final class HttpFunction {

    /** The function's name: its folder in a custom-handler app, and what the portal shows. */
    public static final String NAME = "VaultApi";
    /** Every path; with routePrefix "" in host.json, Vault's /v1/... paths arrive unchanged. */
    public static final String ROUTE = "{*path}";

    private HttpFunction() {
    }

    /** The methods the Functions host lets through to the app, lower case as function.json writes them. */
    public static List<String> methods(FunctionApp app) {
        Set<String> methods = new LinkedHashSet<>();
        methods.add("get");
        for (Route route : Routes.servedBy(Set.of(app))) {
            for (String method : route.verb().httpMethods()) {
                if (!method.equals("LIST")) {
                    methods.add(method.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (WorkflowActions.anyServedBy(Set.of(app))) {
            methods.add("post");
        }
        return List.copyOf(methods);
    }
}
