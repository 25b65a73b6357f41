package io.keymgmt.http.help;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.routes.Route;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.vault.VaultResponses;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;

/**
 * Answers Vault's help requests ({@code vault path-help}: {@code GET /v1/<mount>/<path>?help=1}) for
 * the paths this process serves. The answer is Vault's raw help object, not in the envelope:
 * {@code {"help": "<text>", "see_also": null, "openapi": {...}}}, the OpenAPI document covering that
 * path's routes (below the mount, as Vault's backend gives it). The route gate calls it, before any
 * resource could take {@code ?help=1} for a read.
 */
public final class PathHelp {

    private final Set<FunctionApp> served;
    private final String servedName;
    private final String version;

    /**
     * @param servedName how the process names itself in messages
     * @param version the API version the documents carry
     */
    public PathHelp(Set<FunctionApp> served, String servedName, String version) {
        this.served = Set.copyOf(served);
        this.servedName = servedName;
        this.version = version;
    }

    /** Vault's test: a help query parameter with any value, or the HELP method. */
    public static boolean requested(String httpMethod, String helpParameter) {
        return "HELP".equalsIgnoreCase(httpMethod) || (helpParameter != null && !helpParameter.isEmpty());
    }

    /**
     * @param segments the path below the mount
     * @param request the path below the mount as the caller wrote it, for the help's first line
     */
    public Response answer(List<String> segments, String request) {
        List<Route> servedRoutes = Routes.servedBy(served);
        if (segments.isEmpty()) {
            return help(HelpText.root(servedRoutes), OpenApiDocument.of(servedRoutes, "", false, version));
        }
        List<Route> matching = Routes.matching(segments);
        if (matching.isEmpty()) {
            return VaultResponses.errors(404, List.of("unsupported path"));
        }
        // Like Vault's router, the first path that matches is the path: its routes, whatever the verb.
        String template = matching.get(0).template();
        List<Route> onPath = matching.stream().filter(r -> r.template().equals(template)).toList();
        List<Route> here = onPath.stream().filter(r -> served.contains(r.app())).toList();
        if (here.isEmpty()) {
            List<String> apps = onPath.stream().map(r -> r.app().appName()).distinct().toList();
            return VaultResponses.errors(404, List.of("unsupported path: " + servedName + " serves nothing on "
                    + String.join("/", segments) + "; the " + String.join(" and ", apps)
                    + (apps.size() == 1 ? " function app does" : " function apps do")));
        }
        String text = HelpText.path(request, Routes.path(template), onPath, served);
        return help(text, OpenApiDocument.of(here, "", false, version));
    }

    private static Response help(String text, ObjectNode openApi) {
        ObjectNode body = VaultResponses.object();
        body.put("help", text);
        body.putNull("see_also");
        body.set("openapi", openApi);
        return Response.ok(VaultResponses.text(body), MediaType.APPLICATION_JSON).build();
    }
}
