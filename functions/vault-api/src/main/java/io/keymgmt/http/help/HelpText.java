package io.keymgmt.http.help;

import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Route.Parameter;
import io.keymgmt.http.routes.RoutePath;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.Verb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The text {@code vault path-help} prints, laid out as Vault's sdk/framework templates lay it out: for
 * a path, the request, the matching route, the synopsis, every parameter with its Vault type and the
 * description (pathHelpTemplate); for the mount itself, the engine's description and its paths
 * (rootHelpTemplate). The description adds which methods the path takes, and which function app
 * serves those this process does not.
 */
final class HelpText {

    /**
     * The names the engine accepts (io.keymgmt.engine.Names), which is what a path parameter matches
     * in a route that leads anywhere; HelpTextTest holds the two together.
     */
    static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";

    private HelpText() {
    }

    /**
     * @param request the path below the mount as the caller sent it
     * @param routes every route on the path, served here or not
     */
    static String path(String request, RoutePath path, List<Route> routes, Set<FunctionApp> served) {
        StringBuilder text = new StringBuilder();
        text.append("Request:        ").append(request).append('\n');
        text.append("Matching Route: ").append(pattern(path, routes)).append("\n\n");
        text.append(path.synopsis()).append("\n\n");
        Map<String, Parameter> fields = new TreeMap<>();
        path.pathParameters().forEach(p -> fields.put(p.name(), p));
        routes.forEach(r -> r.parameters().forEach(p -> fields.put(p.name(), p)));
        if (!fields.isEmpty()) {
            text.append("## PARAMETERS\n");
            for (Parameter p : fields.values()) {
                text.append('\n').append(indent(4, p.name() + " (" + p.fieldType().helpName() + ")")).append("\n\n");
                text.append(indent(8, p.description())).append('\n');
            }
            text.append('\n');
        }
        text.append("## DESCRIPTION\n\n").append(path.description()).append("\n\n").append(methods(routes, served));
        return text.toString().strip();
    }

    /** The mount's own help: the engine and every path this process serves, by route pattern. */
    static String root(List<Route> served) {
        Map<String, String> paths = new TreeMap<>();
        for (Route route : served) {
            RoutePath path = Routes.path(route.template());
            paths.put(pattern(path, Routes.all().stream().filter(r -> r.template().equals(path.template())).toList()),
                    path.synopsis());
        }
        StringBuilder text = new StringBuilder();
        text.append("## DESCRIPTION\n\n").append(Routes.engineHelp()).append("\n\n");
        text.append("## PATHS\n\n");
        text.append("The following paths are supported by this backend. To view help for\n"
                + "any of the paths below, use the help command with any route matching\n"
                + "the path pattern. Note that depending on the policy of your auth token,\n"
                + "you may or may not be able to access certain paths.\n\n");
        paths.forEach((pattern, synopsis) -> text.append(indent(4, pattern)).append('\n')
                .append(indent(8, synopsis)).append("\n\n"));
        return text.toString().strip();
    }

    /**
     * The path's route as a Vault-style regular expression: each parameter a named group, and an
     * optional trailing slash where the path lists, as the vault CLI's list adds one.
     */
    static String pattern(RoutePath path, List<Route> routes) {
        StringBuilder pattern = new StringBuilder("^");
        String[] segments = path.template().split("/");
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            pattern.append(i == 0 ? "" : "/");
            pattern.append(s.startsWith("{") ? "(?P<" + s.substring(1, s.length() - 1) + ">" + NAME_PATTERN + ")" : s);
        }
        if (routes.stream().anyMatch(r -> r.verb() == Verb.LIST)) {
            pattern.append("/?");
        }
        return pattern.append('$').toString();
    }

    /** Which HTTP methods the path takes, what each does, and who serves it if not this process. */
    private static String methods(List<Route> routes, Set<FunctionApp> served) {
        Map<String, Route> byMethod = new LinkedHashMap<>();
        List<Route> ordered = new ArrayList<>(routes);
        ordered.sort(Comparator.comparing(Route::verb));
        ordered.forEach(r -> byMethod.put(r.verb().httpMethods().get(0), r));
        StringBuilder text = new StringBuilder("This path responds to the following HTTP methods.\n");
        byMethod.forEach((method, route) -> {
            text.append('\n').append(indent(4, method + (route.verb() == Verb.LIST ? " (or GET with ?list=true)" : "")
                    + (route.verb() == Verb.WRITE ? " (or PUT)" : ""))).append('\n');
            text.append(indent(8, route.summary()));
            if (!served.contains(route.app())) {
                text.append('\n').append(indent(8, "Served by the " + route.app().appName() + " function app, not "
                        + "by this one."));
            }
            text.append('\n');
        });
        return text.toString();
    }

    /** Vault's indent: every line prefixed with the spaces. */
    private static String indent(int spaces, String text) {
        String prefix = " ".repeat(spaces);
        return prefix + String.join("\n" + prefix, text.split("\n", -1));
    }
}
