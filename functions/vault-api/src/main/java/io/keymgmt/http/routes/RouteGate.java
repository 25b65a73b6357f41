package io.keymgmt.http.routes;

import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.vault.VaultResponses;
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
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Decides, before any resource is matched, what a request to the API is: a route this process serves
 * (passed on, with the mount path replaced by the resources' own {@code /v1/keymgmt}), a route of
 * another function app (404, naming the app that serves it), a verb the path does not take (405),
 * or no route at all (404). The answers are Vault's.
 */
@ApplicationScoped
@Startup
public class RouteGate {

    /** Where the resources live; the configured mount is mapped onto it. */
    public static final String RESOURCE_ROOT = "/v1/keymgmt";
    /** Vault's system paths this product serves, outside any mount. */
    public static final String HEALTH = "/v1/sys/health";

    private final ServedApps served;
    private final String mountPrefix;

    @Inject
    public RouteGate(ServedApps served, KeymgmtConfig config) {
        this.served = served;
        this.mountPrefix = "/v1/" + MountPath.check(config.api().mountPath()) + "/";
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION + 100)
    public Optional<Response> route(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        String path = uri.getRawPath();
        if (path.equals(HEALTH)) {
            return Optional.empty();
        }
        String below;
        if (path.startsWith(mountPrefix)) {
            below = path.substring(mountPrefix.length());
        } else if ((path + "/").equals(mountPrefix)) {
            below = "";
        } else {
            String route = path.startsWith("/v1/") ? path.substring(4) : path;
            return Optional.of(VaultResponses.errors(404, List.of("no handler for route \"" + route
                    + "\". route entry not found.")));
        }
        List<String> segments = segments(below);
        Optional<Verb> verb = Verb.of(request.getMethod(), "true".equalsIgnoreCase(
                request.getUriInfo().getQueryParameters().getFirst("list")));
        List<Route> matching = Routes.matching(segments);
        if (matching.isEmpty()) {
            return Optional.of(VaultResponses.errors(404, List.of("unsupported path")));
        }
        Optional<Route> route = verb.flatMap(v -> matching.stream().filter(r -> r.verb() == v).findFirst());
        if (route.isEmpty()) {
            boolean onlyLists = matching.stream().allMatch(r -> r.verb() == Verb.LIST);
            return Optional.of(VaultResponses.errors(405, List.of(onlyLists && verb.equals(Optional.of(Verb.READ))
                    ? "unsupported operation: this path only lists; use LIST or GET with ?list=true"
                    : "unsupported operation")));
        }
        if (!served.serves(route.get().app())) {
            return Optional.of(VaultResponses.errors(404, List.of("unsupported path: " + served.describe()
                    + " does not serve " + request.getMethod() + " " + String.join("/", segments) + "; the "
                    + route.get().app().appName() + " function app does")));
        }
        String canonical = RESOURCE_ROOT + (segments.isEmpty() ? "" : "/" + String.join("/", segments));
        if (!canonical.equals(path)) {
            request.setRequestUri(URI.create(canonical + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        }
        return Optional.empty();
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
}
