package io.keymgmt.http.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.config.KeymgmtConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a declared body larger than keymgmt.api.max-body-bytes before it is read, in Vault's error
 * shape. Quarkus's own limit (quarkus.http.limits.max-body-size) would answer with an empty 413 from
 * a handler that runs first, so this one is placed ahead of it; bodies sent without a length are
 * checked by {@link RequestBodies} once read.
 */
@ApplicationScoped
public class OversizeHandler {

    /** Quarkus installs its size check at order -2. */
    private static final int BEFORE_QUARKUS_LIMIT = -3;

    void install(@Observes Router router, KeymgmtConfig config) {
        long limit = config.api().maxBodyBytes();
        router.route().order(BEFORE_QUARKUS_LIMIT).handler(context -> {
            String declared = context.request().getHeader("Content-Length");
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > limit) {
                ObjectNode body = VaultResponses.object();
                body.putArray("errors").add("request body of " + length + " bytes is larger than the " + limit
                        + " bytes this API accepts");
                context.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close").end(VaultResponses.text(body));
            } else {
                context.next();
            }
        });
    }
}
