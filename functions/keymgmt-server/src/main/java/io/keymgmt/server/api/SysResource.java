package io.keymgmt.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Vault's unauthenticated health endpoint, so load balancers, scripts and the launcher can wait for us. */
@Path("/v1/sys/health")
@Produces(MediaType.APPLICATION_JSON)
public class SysResource {

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
