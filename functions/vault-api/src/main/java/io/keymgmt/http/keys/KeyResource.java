package io.keymgmt.http.keys;

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

/** The key-distribution app's key routes: {@code key} list, {@code key/:name} write and read, rotate, providers. */
@Path("/v1/keymgmt")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@IfBuildProperty(name = "keymgmt.app.key-distribution", stringValue = "true")
public class KeyResource {

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @LIST
    @Path("key")
    public Response list() {
        return VaultResponses.list(engine.keys().list());
    }

    /** GET ?list=true; the route gate lets only that form through. */
    @GET
    @Path("key")
    public Response listByQuery() {
        return list();
    }

    @GET
    @Path("key/{name}")
    public Response read(@PathParam("name") String name) {
        return VaultResponses.data(Renderings.key(engine.keys().read(name)));
    }

    @POST
    @Path("key/{name}")
    public Response write(@PathParam("name") String name, byte[] body) {
        return VaultResponses.written(engine.keys().write(name, bodies.parse(body)));
    }

    @PUT
    @Path("key/{name}")
    public Response put(@PathParam("name") String name, byte[] body) {
        return write(name, body);
    }

    @POST
    @Path("key/{name}/rotate")
    public Response rotate(@PathParam("name") String name, byte[] body) {
        return VaultResponses.written(engine.keys().rotate(name, bodies.parse(body)));
    }

    @PUT
    @Path("key/{name}/rotate")
    public Response rotatePut(@PathParam("name") String name, byte[] body) {
        return rotate(name, body);
    }

    @LIST
    @Path("key/{name}/kms")
    public Response providers(@PathParam("name") String name) {
        return VaultResponses.list(engine.keys().providers(name));
    }

    @GET
    @Path("key/{name}/kms")
    public Response providersByQuery(@PathParam("name") String name) {
        return providers(name);
    }
}
