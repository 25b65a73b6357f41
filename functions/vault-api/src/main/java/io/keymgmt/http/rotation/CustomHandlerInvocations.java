package io.keymgmt.http.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.KeyManagementException;
import io.keymgmt.http.routes.HostInvokedFunctions;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The rotation app's functions as a custom handler: the Functions host POSTs each invocation to
 * {@code /<FunctionName>} with {@code {"Data": {...}, "Metadata": {...}}} and reads
 * {@code {"Outputs", "Logs", "ReturnValue"}}; a non-2xx status fails the invocation, so the host
 * retries a queue message (learn.microsoft.com functions-custom-handlers; azure-functions-host
 * DefaultHttpWorkerService). A payload that is not of that shape is a 400 with a message.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
@IfBuildProperty(name = "keymgmt.app.rotation", stringValue = "true")
@IfBuildProperty(name = "keymgmt.hosting", stringValue = "custom-handler")
public class CustomHandlerInvocations implements HostInvokedFunctions {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RotationTimer timer;

    @Inject
    RotationWorker worker;

    @Override
    public Set<String> paths() {
        return Set.of("/" + RotationFunctions.TIMER, "/" + RotationFunctions.QUEUE);
    }

    @POST
    @Path(RotationFunctions.TIMER)
    public Response timer(byte[] body) {
        ObjectNode invocation;
        try {
            invocation = invocation(body);
        } catch (IllegalArgumentException e) {
            return answer(400, List.of(e.getMessage()));
        }
        try {
            int queued = timer.fire(Clock.systemUTC().instant());
            return answer(200, List.of("queued " + queued + " items of rotation work"
                    + (invocation.at("/Data/timer/IsPastDue").asBoolean(false) ? " (the timer was past due)" : "")));
        } catch (KeyManagementException e) {
            return answer(e.fault().httpStatus(), List.of(e.getMessage()));
        }
    }

    @POST
    @Path(RotationFunctions.QUEUE)
    public Response queue(byte[] body) {
        String text;
        String id;
        long dequeueCount;
        try {
            ObjectNode invocation = invocation(body);
            JsonNode message = invocation.path("Data").path("message");
            if (message.isMissingNode() || message.isNull()) {
                throw new IllegalArgumentException("the invocation has no Data.message (the queue trigger's binding)");
            }
            // The host passes the message's text; a JSON text may arrive already parsed.
            text = message.isTextual() ? message.textValue() : JSON.writeValueAsString(message);
            JsonNode metadata = invocation.path("Metadata");
            id = metadata.path("Id").asText("(no id)");
            dequeueCount = metadata.path("DequeueCount").asLong(1);
        } catch (IllegalArgumentException | IOException e) {
            return answer(400, List.of(e.getMessage()));
        }
        try {
            RotationWorker.Handled handled = worker.handle(text, id, dequeueCount);
            return answer(200, List.of("message " + id + ": " + handled.detail()));
        } catch (KeyManagementException e) {
            return answer(e.fault().httpStatus(), List.of("message " + id + " failed: " + e.getMessage()));
        }
    }

    private static ObjectNode invocation(byte[] body) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the invocation is not JSON: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object) || !object.path("Data").isObject()) {
            throw new IllegalArgumentException("an invocation is {\"Data\": {...}, \"Metadata\": {...}}");
        }
        return object;
    }

    private static Response answer(int status, List<String> logs) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("Outputs");
        var lines = body.putArray("Logs");
        logs.forEach(lines::add);
        body.putNull("ReturnValue");
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.toString()).build();
    }
}
