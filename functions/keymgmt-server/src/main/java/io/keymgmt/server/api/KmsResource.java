package io.keymgmt.server.api;

import static io.keymgmt.server.api.KeyResource.requireListQuery;

import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.engine.Providers;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.Protection;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/keymgmt/kms}: Vault's KMS provider and distribution endpoints. */
@Path("/v1/keymgmt/kms")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class KmsResource {

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @LIST
    public Response list() {
        return VaultResponses.list(engine.providers().list());
    }

    @GET
    public Response listWithQuery(@QueryParam("list") String list) {
        requireListQuery(list);
        return list();
    }

    @GET
    @Path("{name}")
    public Response read(@PathParam("name") String name) {
        return VaultResponses.data(Renderings.provider(engine.providers().read(name)));
    }

    @POST
    @Path("{name}")
    public Response write(@PathParam("name") String name, byte[] body) {
        VaultParams params = bodies.parse(body);
        Providers.WriteProvider request = new Providers.WriteProvider(params.string("provider"),
                params.string("key_collection"), params.keyValuePairs("credentials"));
        engine.providers().write(name, request);
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
        engine.providers().delete(name);
        return VaultResponses.written(List.of());
    }

    @LIST
    @Path("{name}/key")
    public Response keys(@PathParam("name") String name) {
        return VaultResponses.list(engine.distributions().keysOf(name));
    }

    @GET
    @Path("{name}/key")
    public Response keysWithQuery(@PathParam("name") String name, @QueryParam("list") String list) {
        requireListQuery(list);
        return keys(name);
    }

    @GET
    @Path("{name}/key/{key}")
    public Response readDistribution(@PathParam("name") String name, @PathParam("key") String key) {
        return VaultResponses.data(Renderings.distribution(engine.distributions().read(name, key)));
    }

    @POST
    @Path("{name}/key/{key}")
    public Response distribute(@PathParam("name") String name, @PathParam("key") String key, byte[] body) {
        VaultParams params = bodies.parse(body);
        Optional<Set<KeyPurpose>> purposes = params.commaList("purpose").map(KmsResource::purposes);
        Optional<Protection> protection = params.string("protection").map(KmsResource::protection);
        engine.distributions().distribute(name, key, purposes, protection);
        return VaultResponses.written(params.warnings());
    }

    @PUT
    @Path("{name}/key/{key}")
    public Response distributePut(@PathParam("name") String name, @PathParam("key") String key, byte[] body) {
        return distribute(name, key, body);
    }

    @DELETE
    @Path("{name}/key/{key}")
    public Response remove(@PathParam("name") String name, @PathParam("key") String key) {
        engine.distributions().remove(name, key);
        return VaultResponses.written(List.of());
    }

    private static Set<KeyPurpose> purposes(List<String> names) {
        try {
            return KeyPurpose.parseList(names);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("purpose: " + e.getMessage());
        }
    }

    private static Protection protection(String name) {
        try {
            return Protection.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("protection: " + e.getMessage());
        }
    }
}
