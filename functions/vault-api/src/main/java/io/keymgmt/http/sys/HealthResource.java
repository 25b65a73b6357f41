package io.keymgmt.http.sys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.routes.RouteGate;
import io.keymgmt.http.vault.VaultResponses;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Vault's unauthenticated health endpoint, served by every function app, so load balancers, scripts, the
 * launcher and the Functions host's warm-up can tell the app is up.
 */
@Path(RouteGate.HEALTH)
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    @GET
    public Response health() {
        ObjectNode body = VaultResponses.object();
        body.put("initialized", true);
        body.put("sealed", false);
        body.put("standby", false);
        body.put("server_time_utc", System.currentTimeMillis() / 1000);
        return Response.ok(VaultResponses.text(body), MediaType.APPLICATION_JSON).build();
    }

    @HEAD
    public Response head() {
        return Response.ok().build();
    }
}
