package io.keymgmt.http.actions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.engine.Operations;
import io.keymgmt.engine.Parameters;
import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.http.routes.WorkflowActions;
import io.keymgmt.http.vault.RequestBodies;
import io.keymgmt.http.vault.VaultResponses;
import io.keymgmt.operations.Operation;
import io.keymgmt.operations.OperationAction;
import io.keymgmt.store.StoreException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The workflow actions ({@link WorkflowActions}). The route gate lets through only the actions this
 * app serves. A long action is recorded and queued; the request then waits a short while for it and
 * answers 200 with the outcome, or 202 with the operation's Location and a Retry-After, which is
 * Logic Apps' asynchronous pattern. The work is done by the queue function, so it goes on when the
 * caller has gone and never in a thread an HTTP invocation left behind. Removal is the exception: the
 * deletion app has no queue function, and a soft delete is one call, so it is done in the request.
 */
@Path(WorkflowActions.ROOT)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ActionResource {

    private static final Logger LOG = Logger.getLogger(ActionResource.class);
    private static final Duration POLL = Duration.ofMillis(200);

    @Inject
    KeyManagementEngine engine;

    @Inject
    RequestBodies bodies;

    @Inject
    KeymgmtConfig config;

    @Inject
    Instance<RotationQueue> queue;

    @Context
    UriInfo uri;

    @POST
    @Path("{action}")
    public Response call(@PathParam("action") String action,
            @HeaderParam(WorkflowActions.IDEMPOTENCY_KEY) String idempotencyKey, byte[] body) {
        Parameters fields = bodies.parse(body);
        return switch (action) {
            case "key-status" -> ok(ActionRenderings.keyStatus(engine.workflowReads().keyStatus(fields)));
            case "list-keys" -> ok(ActionRenderings.names("keys", engine.workflowReads().keys(fields)));
            case "list-providers" -> ok(ActionRenderings.names("providers", engine.workflowReads().providers(fields)));
            default -> start(OperationAction.fromWireName(action).orElseThrow(() ->
                    new IllegalStateException("the route gate let through an action without a handler: " + action)),
                    fields, Optional.ofNullable(idempotencyKey));
        };
    }

    @GET
    @Path("operations/{id}")
    public Response operation(@PathParam("id") String id) {
        return answer(engine.operations().read(id));
    }

    private Response start(OperationAction action, Parameters fields, Optional<String> idempotencyKey) {
        Operations.Started started = engine.operations().start(action, fields, idempotencyKey);
        String id = started.operation().id();
        if (started.message().isPresent()) {
            Map<String, Object> message = started.message().get();
            if (action == OperationAction.REMOVE_KEY) {
                engine.operations().perform(Parameters.of(message), false);
                return answer(engine.operations().read(id));
            }
            try {
                ObjectNode text = VaultResponses.object();
                message.forEach((name, value) -> text.put(name, String.valueOf(value)));
                queue.get().send(VaultResponses.text(text));
            } catch (StoreException e) {
                LOG.warnf("operation %s is recorded but could not be queued: %s", id, e.getMessage());
                return VaultResponses.errors(503, List.of("operation " + id + " is recorded but its work could not be "
                        + "queued (" + e.getMessage() + "); repeat the request with the same Idempotency-Key to queue it"));
            }
        }
        return answer(awaitEnd(started.operation()));
    }

    /** The operation once it has ended, or as it stands when the wait is over. */
    private Operation awaitEnd(Operation operation) {
        Instant deadline = Instant.now().plus(config.actions().answerWithin());
        Operation current = operation;
        while (!current.status().finished() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            current = engine.operations().read(operation.id());
        }
        return current;
    }

    /** 200 with an ended operation; 202 with its Location and Retry-After while it runs. */
    private Response answer(Operation operation) {
        String statusUrl = base() + WorkflowActions.OPERATIONS + "/" + operation.id();
        Response.ResponseBuilder response = operation.status().finished() ? Response.ok()
                : Response.accepted().header("Location", statusUrl)
                        .header("Retry-After", Math.max(1, config.actions().retryAfter().toSeconds()));
        return response.type(MediaType.APPLICATION_JSON)
                .entity(VaultResponses.text(ActionRenderings.operation(operation, statusUrl))).build();
    }

    private Response ok(ObjectNode body) {
        return Response.ok(VaultResponses.text(body), MediaType.APPLICATION_JSON).build();
    }

    /** Where workflows reach this app, without a trailing slash. */
    private String base() {
        String base = config.actions().baseUrl().orElseGet(() -> uri.getBaseUri().toString());
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
