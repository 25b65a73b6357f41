package io.keymgmt.http.providers;

import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.http.vault.LIST;
import io.keymgmt.http.vault.Renderings;
import io.keymgmt.http.vault.RequestBodies;
import io.keymgmt.http.vault.VaultResponses;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The provider-configuration app: {@code kms} list, and {@code kms/:name} write and read. */
@Path("/v1/keymgmt")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@IfBuildProperty(name = "keymgmt.app.provider-configuration", stringValue = "true")
public class ProviderResource {

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @LIST
    @Path("kms")
    public Response list() {
        return VaultResponses.list(engine.providers().list());
    }

    /** GET ?list=true; the route gate lets only that form through. */
    @GET
    @Path("kms")
    public Response listByQuery() {
        return list();
    }

    @GET
    @Path("kms/{name}")
    public Response read(@PathParam("name") String name) {
        return VaultResponses.data(Renderings.provider(engine.providers().read(name)));
    }

    @POST
    @Path("kms/{name}")
    public Response write(@PathParam("name") String name, byte[] body) {
        return VaultResponses.written(engine.providers().write(name, bodies.parse(body)));
    }

    @PUT
    @Path("kms/{name}")
    public Response put(@PathParam("name") String name, byte[] body) {
        return write(name, body);
    }
}
