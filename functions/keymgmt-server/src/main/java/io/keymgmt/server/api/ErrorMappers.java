package io.keymgmt.server.api;

import io.keymgmt.engine.Fault;
import io.keymgmt.engine.KeyManagementException;
import io.keymgmt.store.StoreException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure becomes Vault's {@code {"errors":[...]}} with a status that says whose fault it was. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response engine(KeyManagementException e) {
        int status = switch (e.fault()) {
            case INVALID_REQUEST -> 400;
            case AZURE_DENIED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INTERNAL -> 500;
            case AZURE_FAILED -> 502;
            case AZURE_THROTTLED -> 503;
        };
        if (e.fault() == Fault.INTERNAL || e.fault() == Fault.AZURE_FAILED) {
            LOG.warnf(e, "request failed: %s", e.getMessage());
        }
        Response response = VaultResponses.errors(status, List.of(e.getMessage()));
        if (e.retryAfter().isPresent()) {
            return Response.fromResponse(response).header("Retry-After", Math.max(1, e.retryAfter().get().toSeconds()))
                    .build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response badRequest(BadRequestException e) {
        return VaultResponses.errors(e.status(), List.of(e.getMessage()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return VaultResponses.errors(404, List.of("unsupported path"));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return VaultResponses.errors(405, List.of("unsupported operation"));
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e) {
        return VaultResponses.errors(415, List.of("unsupported content type"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        return VaultResponses.errors(status, List.of(status >= 500 ? "internal error" : "request not accepted"));
    }

    @ServerExceptionMapper
    public Response storage(StoreException e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "storage failure %s", id);
        return VaultResponses.errors(503, List.of("storage is unavailable; retry later (error id " + id + ")"));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure %s", id);
        return VaultResponses.errors(500, List.of("internal error (error id " + id + "); see the server log"));
    }
}
