package io.keymgmt.emulator.identity;

import java.util.Objects;

/**
 * Who a token was issued to: a service principal or a managed identity, named as Entra ID names
 * them (application/client id and object id). Carries no secret.
 */
public final class Principal {

    public enum Kind { SERVICE_PRINCIPAL, SYSTEM_ASSIGNED_IDENTITY, USER_ASSIGNED_IDENTITY }

    private final Kind kind;
    private final String clientId;
    private final String objectId;
    private final String resourceId;

    public Principal(Kind kind, String clientId, String objectId, String resourceId) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.objectId = Objects.requireNonNull(objectId, "objectId");
        this.resourceId = resourceId;
    }

    public Kind kind() {
        return kind;
    }

    public String clientId() {
        return clientId;
    }

    public String objectId() {
        return objectId;
    }

    /** The ARM resource id of a user-assigned identity, or null when none was configured. */
    public String resourceId() {
        return resourceId;
    }

    @Override
    public String toString() {
        return kind + " appid=" + clientId + ";oid=" + objectId;
    }
}
