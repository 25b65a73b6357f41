package io.keymgmt.http.deletion;

import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.http.vault.VaultResponses;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The deletion app: delete a key, remove a key from a provider, delete a provider. */
@Path("/v1/keymgmt")
@Produces(MediaType.APPLICATION_JSON)
@IfBuildProperty(name = "keymgmt.app.deletion", stringValue = "true")
public class DeletionResource {

    @Inject
    KeyManagementEngine engine;

    @DELETE
    @Path("key/{name}")
    public Response deleteKey(@PathParam("name") String name) {
        engine.keys().delete(name);
        return VaultResponses.deleted();
    }

    @DELETE
    @Path("kms/{name}/key/{key_name}")
    public Response removeFromProvider(@PathParam("name") String provider, @PathParam("key_name") String key) {
        engine.distributions().remove(provider, key);
        return VaultResponses.deleted();
    }

    @DELETE
    @Path("kms/{name}")
    public Response deleteProvider(@PathParam("name") String name) {
        engine.providers().delete(name);
        return VaultResponses.deleted();
    }
}
