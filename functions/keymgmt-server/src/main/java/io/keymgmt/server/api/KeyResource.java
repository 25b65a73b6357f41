package io.keymgmt.server.api;

import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.engine.Keys;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /v1/keymgmt/key}: Vault's key endpoints. Parses, calls the engine, renders; no rules here. */
@Path("/v1/keymgmt/key")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class KeyResource {

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @LIST
    public Response list() {
        return VaultResponses.list(engine.keys().list());
    }

    @GET
    public Response listWithQuery(@QueryParam("list") String list) {
        requireListQuery(list);
        return list();
    }

    @GET
    @Path("{name}")
    public Response read(@PathParam("name") String name) {
        return VaultResponses.data(Renderings.key(engine.keys().read(name)));
    }

    @POST
    @Path("{name}")
    public Response write(@PathParam("name") String name, byte[] body) {
        VaultParams params = bodies.parse(body);
        Keys.WriteKey request = new Keys.WriteKey(params.string("type"), params.integer("min_enabled_version"),
                params.bool("deletion_allowed"));
        engine.keys().write(name, request);
        return VaultResponses.written(params.warnings());
    }

    @PUT
    @Path("{name}")
    public Response put(@PathParam("name") String name, byte[] body) {
        return write(name, body);
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        engine.keys().delete(name);
        return VaultResponses.written(java.util.List.of());
    }

    @POST
    @Path("{name}/rotate")
    public Response rotate(@PathParam("name") String name, byte[] body) {
        VaultParams params = bodies.parse(body);
        engine.keys().rotate(name);
        return VaultResponses.written(params.warnings());
    }

    @PUT
    @Path("{name}/rotate")
    public Response rotatePut(@PathParam("name") String name, byte[] body) {
        return rotate(name, body);
    }

    @LIST
    @Path("{name}/kms")
    public Response providers(@PathParam("name") String name) {
        return VaultResponses.list(engine.keys().providers(name));
    }

    @GET
    @Path("{name}/kms")
    public Response providersWithQuery(@PathParam("name") String name, @QueryParam("list") String list) {
        requireListQuery(list);
        return providers(name);
    }

    static void requireListQuery(String list) {
        if (!"true".equalsIgnoreCase(list)) {
            throw new BadRequestException(405, "unsupported operation: this path only lists; use LIST or GET with ?list=true");
        }
    }
}
