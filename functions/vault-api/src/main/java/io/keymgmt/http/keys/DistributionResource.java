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

/** The key-distribution app's distribution routes: {@code kms/:name/key} list, {@code kms/:name/key/:key_name} write and read. */
@Path("/v1/keymgmt")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@IfBuildProperty(name = "keymgmt.app.key-distribution", stringValue = "true")
public class DistributionResource {

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @LIST
    @Path("kms/{name}/key")
    public Response list(@PathParam("name") String provider) {
        return VaultResponses.list(engine.distributions().keysOf(provider));
    }

    @GET
    @Path("kms/{name}/key")
    public Response listByQuery(@PathParam("name") String provider) {
        return list(provider);
    }

    @GET
    @Path("kms/{name}/key/{key_name}")
    public Response read(@PathParam("name") String provider, @PathParam("key_name") String key) {
        return VaultResponses.data(Renderings.distribution(engine.distributions().read(provider, key)));
    }

    @POST
    @Path("kms/{name}/key/{key_name}")
    public Response distribute(@PathParam("name") String provider, @PathParam("key_name") String key, byte[] body) {
        return VaultResponses.written(engine.distributions().distribute(provider, key, bodies.parse(body)));
    }

    @PUT
    @Path("kms/{name}/key/{key_name}")
    public Response distributePut(@PathParam("name") String provider, @PathParam("key_name") String key, byte[] body) {
        return distribute(provider, key, body);
    }
}
