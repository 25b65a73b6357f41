package io.keymgmt.server.api;

import io.keymgmt.server.config.KeymgmtConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads request bodies within the configured size, so an oversized body is refused before parsing. */
@ApplicationScoped
public class RequestBodies {

    @Inject
    KeymgmtConfig config;

    public VaultParams parse(byte[] body) {
        int limit = config.api().maxBodyBytes();
        if (body != null && body.length > limit) {
            throw new BadRequestException(413, "request body of " + body.length + " bytes is larger than the "
                    + limit + " bytes this API accepts");
        }
        return VaultParams.parse(body);
    }
}
