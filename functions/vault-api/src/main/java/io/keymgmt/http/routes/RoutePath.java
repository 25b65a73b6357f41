package io.keymgmt.http.routes;

import java.util.List;

/**
 * What Vault says about a path, whatever the verb: a Vault backend's path has one synopsis and one
 * description (HelpSynopsis, HelpDescription) and describes its path parameters once. Path help prints
 * them; the OpenAPI document gives the synopsis as the path item's description.
 *
 * @param template the template of the routes on this path
 * @param pathParameters one per braced segment of the template, in order
 */
public record RoutePath(String template, String synopsis, String description, List<Route.Parameter> pathParameters) {

    public RoutePath {
        pathParameters = List.copyOf(pathParameters);
    }
}
