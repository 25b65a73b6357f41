package io.keymgmt.emulator.vault;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A vault's access policies: which key permissions each principal (by client id) holds. Immutable. */
public final class AccessPolicy {

    private final Map<String, Set<KeyPermission>> permissionsByClientId;

    private AccessPolicy(Map<String, Set<KeyPermission>> permissionsByClientId) {
        this.permissionsByClientId = permissionsByClientId;
    }

    /** Client ids are compared case-insensitively, as Entra ID compares GUIDs. */
    public static AccessPolicy of(Map<String, ? extends Set<KeyPermission>> grants) {
        Map<String, EnumSet<KeyPermission>> merged = new HashMap<>();
        grants.forEach((clientId, permissions) -> merged
                .computeIfAbsent(clientId.toLowerCase(Locale.ROOT), id -> EnumSet.noneOf(KeyPermission.class))
                .addAll(permissions));
        Map<String, Set<KeyPermission>> frozen = new HashMap<>();
        merged.forEach((clientId, permissions) -> frozen.put(clientId, Collections.unmodifiableSet(permissions)));
        return new AccessPolicy(Collections.unmodifiableMap(frozen));
    }

    /** This policy with {@code clientId}'s permissions replaced by {@code permissions}. */
    public AccessPolicy withPermissions(String clientId, Set<KeyPermission> permissions) {
        Map<String, Set<KeyPermission>> changed = new HashMap<>(permissionsByClientId);
        changed.put(clientId.toLowerCase(Locale.ROOT), permissions.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(permissions)));
        return new AccessPolicy(Collections.unmodifiableMap(changed));
    }

    public boolean allows(String clientId, KeyPermission permission) {
        return permissionsByClientId.getOrDefault(clientId.toLowerCase(Locale.ROOT), Set.of()).contains(permission);
    }

    public Set<KeyPermission> permissionsOf(String clientId) {
        return permissionsByClientId.getOrDefault(clientId.toLowerCase(Locale.ROOT), Set.of());
    }
}
