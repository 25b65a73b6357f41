package io.keymgmt.http.routes;

import io.keymgmt.http.auth.CallerRoles;
import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.help.ApiVersion;
import io.keymgmt.http.help.PathHelp;
import io.keymgmt.http.vault.VaultResponses;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Decides, before any resource is matched, what a request to the API is: a route this process serves
 * (passed on, with the mount path replaced by the resources' own {@code /v1/keymgmt}), a route of
 * another function app (404, naming the app that serves it), a verb the path does not take (405),
 * a help request (answered here: a resource would take {@code ?help=1} for a read), or no route at
 * all (404). The answers are Vault's.
 */
@ApplicationScoped
@Startup
public class RouteGate {

    /** Where the resources live; the configured mount is mapped onto it. */
    public static final String RESOURCE_ROOT = "/v1/keymgmt";
    /** Vault's system paths this product serves, outside any mount. */
    public static final String HEALTH = "/v1/sys/health";
    /** Vault's OpenAPI document of the mounts, here of this process's routes (authenticated). */
    public static final String OPENAPI = "/v1/sys/internal/specs/openapi";

    private final ServedApps served;
    private final String mountPrefix;
    private final PathHelp help;
    private final Set<String> hostInvoked;

    @Inject
    public RouteGate(ServedApps served, KeymgmtConfig config, @All List<HostInvokedFunctions> invoked) {
        this.served = served;
        this.mountPrefix = "/v1/" + MountPath.check(config.api().mountPath()) + "/";
        this.help = new PathHelp(served.apps(), served.describe(), ApiVersion.current());
        Set<String> paths = new java.util.HashSet<>();
        invoked.forEach(f -> paths.addAll(f.paths()));
        this.hostInvoked = Set.copyOf(paths);
    }

    /** A gate for a build without host-invoked functions (every HTTP-only app). */
    public RouteGate(ServedApps served, KeymgmtConfig config) {
        this(served, config, List.of());
    }

    /** Whether the path is where the Functions host POSTs invocations of this build's timer or queue functions. */
    public boolean isHostInvocation(String rawPath) {
        return hostInvoked.contains(rawPath);
    }

    /**
     * What the gate does with one request: answer it, or let it through to the resources, possibly at
     * another URI.
     *
     * @param forward the URI to hand on when it is not the request's own; empty also with an answer
     * @param requires the app role the caller needs for it; empty where none is needed (health, the
     *     host's invocations) or there is nothing to protect (no such route)
     */
    public record Decision(Optional<Response> answer, Optional<URI> forward, Optional<ApiRole> requires) {

        static Decision pass(ApiRole requires) {
            return new Decision(Optional.empty(), Optional.empty(), Optional.of(requires));
        }

        static Decision passOpen() {
            return new Decision(Optional.empty(), Optional.empty(), Optional.empty());
        }

        static Decision answer(Response response) {
            return new Decision(Optional.of(response), Optional.empty(), Optional.empty());
        }

        /** An answer given here only to a caller holding {@code requires} (path help). */
        static Decision answer(Response response, ApiRole requires) {
            return new Decision(Optional.of(response), Optional.empty(), Optional.of(requires));
        }
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION + 100)
    public Optional<Response> route(ContainerRequestContext request) {
        Decision decision = decide(request.getMethod(), request.getUriInfo().getRequestUri());
        Optional<Response> refused = decision.requires().flatMap(role -> CallerRoles.refuseWithout(request, role));
        if (refused.isPresent()) {
            return refused;
        }
        decision.forward().ifPresent(request::setRequestUri);
        return decision.answer();
    }

    /** The gate's decision for a method on a request URI, apart from any server, so it can be tested alone. */
    public Decision decide(String method, URI uri) {
        String path = uri.getRawPath();
        if (path.equals(HEALTH) || hostInvoked.contains(path)) {
            return Decision.passOpen();
        }
        if (path.equals(OPENAPI)) {
            return Decision.pass(ApiRole.READER);
        }
        if (path.equals(WorkflowActions.ROOT) || path.startsWith(WorkflowActions.ROOT + "/")) {
            return action(method, path);
        }
        String below;
        if (path.startsWith(mountPrefix)) {
            below = path.substring(mountPrefix.length());
        } else if ((path + "/").equals(mountPrefix)) {
            below = "";
        } else {
            String route = path.startsWith("/v1/") ? path.substring(4) : path;
            return Decision.answer(VaultResponses.errors(404, List.of("no handler for route \"" + route
                    + "\". route entry not found.")));
        }
        List<String> segments = segments(below);
        Query query = Query.parse(uri.getRawQuery());
        if (PathHelp.requested(method, query.get("help").orElse(null))) {
            return Decision.answer(help.answer(segments, decode(below)), ApiRole.READER);
        }
        boolean list;
        try {
            list = query.flag("list");
        } catch (IllegalArgumentException e) {
            return Decision.answer(VaultResponses.errors(400, List.of(e.getMessage())));
        }
        Optional<Verb> verb = Verb.of(method, list);
        List<Route> matching = Routes.matching(segments);
        if (matching.isEmpty()) {
            return Decision.answer(VaultResponses.errors(404, List.of("unsupported path")));
        }
        Optional<Route> route = verb.flatMap(v -> matching.stream().filter(r -> r.verb() == v).findFirst());
        if (route.isEmpty()) {
            boolean onlyLists = matching.stream().allMatch(r -> r.verb() == Verb.LIST);
            return Decision.answer(VaultResponses.errors(405, List.of(onlyLists && verb.equals(Optional.of(Verb.READ))
                    ? "unsupported operation: this path only lists; use LIST or GET with ?list=true"
                    : "unsupported operation")));
        }
        if (!served.serves(route.get().app())) {
            return Decision.answer(VaultResponses.errors(404, List.of("unsupported path: " + served.describe()
                    + " does not serve " + method + " " + String.join("/", segments) + "; the "
                    + route.get().app().appName() + " function app does")));
        }
        String canonical = RESOURCE_ROOT + (segments.isEmpty() ? "" : "/" + String.join("/", segments));
        ApiRole requires = route.get().requiredRole();
        if (canonical.equals(path)) {
            return Decision.pass(requires);
        }
        return new Decision(Optional.empty(),
                Optional.of(URI.create(canonical + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))),
                Optional.of(requires));
    }

    /** A workflow action or operation: served here, another app's (404 naming it), the wrong method (405), or none. */
    private Decision action(String method, String path) {
        List<String> segments = segments(path.substring(WorkflowActions.ROOT.length()).replaceFirst("^/", ""));
        if (segments.size() == 2 && ("/" + segments.get(0)).equals(WorkflowActions.OPERATIONS.substring(
                WorkflowActions.ROOT.length())) && !segments.get(1).isEmpty()) {
            if (!method.equals("GET")) {
                return Decision.answer(VaultResponses.errors(405, List.of("an operation is read with GET")));
            }
            if (WorkflowActions.OPERATION_APPS.stream().noneMatch(served::serves)) {
                return Decision.answer(VaultResponses.errors(404, List.of(served.describe() + " records no "
                        + "operations; the function app that started the operation answers for it")));
            }
            return Decision.pass(ApiRole.READER);
        }
        Optional<WorkflowAction> action = segments.size() == 1 ? WorkflowActions.find(segments.get(0))
                : Optional.empty();
        if (action.isEmpty()) {
            return Decision.answer(VaultResponses.errors(404, List.of("no action \"" + decode(String.join("/",
                    segments)) + "\"; the actions are " + String.join(", ", WorkflowActions.names())
                    + ", and " + WorkflowActions.OPERATIONS + "/{id} reads an operation")));
        }
        if (!method.equals("POST")) {
            return Decision.answer(VaultResponses.errors(405, List.of("actions are called with POST and a JSON "
                    + "body")));
        }
        if (!served.serves(action.get().app())) {
            return Decision.answer(VaultResponses.errors(404, List.of(served.describe() + " does not serve the "
                    + "action " + action.get().name() + "; the " + action.get().app().appName() + " function app "
                    + "does")));
        }
        return Decision.pass(action.get().role());
    }

    /** The path below the mount in segments; one trailing slash (the vault CLI's list adds it) is dropped. */
    private static List<String> segments(String below) {
        String trimmed = below.endsWith("/") ? below.substring(0, below.length() - 1) : below;
        List<String> segments = new ArrayList<>();
        if (!trimmed.isEmpty()) {
            for (String s : trimmed.split("/", -1)) {
                segments.add(s);
            }
        }
        return segments;
    }

    /** A path as the caller meant it (percent-escapes decoded), for messages. */
    private static String decode(String rawPath) {
        try {
            return new URI("/" + rawPath).getPath().substring(1);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return rawPath;
        }
    }
}
