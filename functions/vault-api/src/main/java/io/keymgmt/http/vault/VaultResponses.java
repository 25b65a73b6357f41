package io.keymgmt.http.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.Written;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/**
 * Vault's response shapes: the read envelope, {@code {"errors":[...]}}, 204 for writes without data.
 * Built as JSON trees, not serialised objects, so field order is Vault's and nothing needs reflection.
 */
public final class VaultResponses {

    static final ObjectMapper JSON = new ObjectMapper();

    private VaultResponses() {
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A read: the envelope around {@code data}. */
    public static Response data(ObjectNode data) {
        return envelope(data, List.of());
    }

    /** A list; Vault answers an empty list with 404 and no errors. */
    public static Response list(List<String> keys) {
        if (keys.isEmpty()) {
            return errors(404, List.of());
        }
        ObjectNode data = object();
        ArrayNode array = data.putArray("keys");
        keys.forEach(array::add);
        return data(data);
    }

    /** A write: 204, or 200 with Vault's warnings when some parameters were ignored. */
    public static Response written(Written written) {
        if (written.warnings().isEmpty()) {
            return Response.noContent().build();
        }
        return envelope(null, written.warnings());
    }

    /** A delete: 204, also when there was nothing to delete, so a retry is harmless. */
    public static Response deleted() {
        return Response.noContent().build();
    }

    public static Response errors(int status, List<String> messages) {
        ObjectNode body = object();
        ArrayNode errors = body.putArray("errors");
        messages.forEach(errors::add);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(text(body)).build();
    }

    private static Response envelope(ObjectNode data, List<String> warnings) {
        ObjectNode body = object();
        body.put("request_id", UUID.randomUUID().toString());
        body.put("lease_id", "");
        body.put("renewable", false);
        body.put("lease_duration", 0);
        if (data == null) {
            body.putNull("data");
        } else {
            body.set("data", data);
        }
        body.putNull("wrap_info");
        if (warnings.isEmpty()) {
            body.putNull("warnings");
        } else {
            ArrayNode array = body.putArray("warnings");
            warnings.forEach(array::add);
        }
        body.putNull("auth");
        body.put("mount_type", "keymgmt");
        return Response.ok(text(body), MediaType.APPLICATION_JSON).build();
    }

    public static String text(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
