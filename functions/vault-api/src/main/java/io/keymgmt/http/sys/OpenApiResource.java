package io.keymgmt.http.sys;

import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.help.ApiVersion;
import io.keymgmt.http.help.OpenApiDocument;
import io.keymgmt.http.routes.MountPath;
import io.keymgmt.http.routes.Query;
import io.keymgmt.http.routes.RouteGate;
import io.keymgmt.http.routes.Routes;
import io.keymgmt.http.routes.ServedApps;
import io.keymgmt.http.vault.BadRequestException;
import io.keymgmt.http.vault.VaultResponses;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Vault's {@code GET /v1/sys/internal/specs/openapi}: the OpenAPI 3 document of the routes this process
 * serves (a function app its own, the aggregate server all), under the configured mount, as the raw
 * body (Vault does not put it in the envelope). {@code generic_mount_paths=true} writes the mount as the
 * path parameter {@code {keymgmt_mount_path}}, as Vault does for client generators. Served by every
 * app, and authenticated like the API, unlike health.
 */
@Path(RouteGate.OPENAPI)
@Produces(MediaType.APPLICATION_JSON)
public class OpenApiResource {

    private final String mounted;
    private final String generic;

    @Inject
    public OpenApiResource(ServedApps served, KeymgmtConfig config) {
        String mount = MountPath.check(config.api().mountPath());
        String version = ApiVersion.current();
        // The document depends only on the build and the configuration: render both forms once.
        this.mounted = VaultResponses.text(OpenApiDocument.of(Routes.servedBy(served.apps()), mount, false, version));
        this.generic = VaultResponses.text(OpenApiDocument.of(Routes.servedBy(served.apps()), mount, true, version));
    }

    @GET
    public Response document(@Context UriInfo uri) {
        boolean genericMountPaths;
        try {
            genericMountPaths = Query.parse(uri.getRequestUri().getRawQuery()).flag("generic_mount_paths");
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return Response.ok(genericMountPaths ? generic : mounted, MediaType.APPLICATION_JSON).build();
    }
}
