package io.keymgmt.http.vault;

import io.keymgmt.engine.Fault;
import io.keymgmt.engine.KeyManagementException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure becomes Vault's {@code {"errors":[...]}} with the status that says whose fault it was
 * ({@link Fault#httpStatus()}). The caller's faults are not logged; failures of Azure or storage are
 * warnings with their cause; only a bug is an error, with an id the caller can quote.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response engine(KeyManagementException e) {
        Fault fault = e.fault();
        if (fault == Fault.INTERNAL) {
            return bug(e);
        }
        if (fault.httpStatus() >= 500) {
            LOG.warnf(e, "request failed (%s): %s", fault, e.getMessage());
        }
        Response response = VaultResponses.errors(fault.httpStatus(), List.of(e.getMessage()));
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
        if (status >= 500) {
            return bug(e);
        }
        return VaultResponses.errors(status, List.of("request not accepted"));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        return bug(e);
    }

    private static Response bug(Exception e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure %s", id);
        return VaultResponses.errors(500, List.of("internal error (error id " + id + "); see the server log"));
    }
}
