package io.keymgmt.http.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.Keys.KeyDetails;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.KmsProvider;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code data} of each read, in Vault's field names. */
public final class Renderings {

    /** RFC 3339 with nanoseconds, as Go prints a time.Time. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private Renderings() {
    }

    public static ObjectNode key(KeyDetails details) {
        ManagedKey key = details.key();
        ObjectNode data = VaultResponses.object();
        // Vault renders durations as whole seconds.
        data.put("auto_rotate_period", details.autoRotatePeriod().toSeconds());
        data.put("deletion_allowed", key.deletionAllowed());
        data.put("last_rotated", RFC3339.format(details.lastRotated().atOffset(ZoneOffset.UTC)));
        data.put("latest_version", key.latestVersion());
        data.put("min_enabled_version", key.minEnabledVersion());
        data.put("name", key.name());
        if (details.nextRotation().isPresent()) {
            data.put("next_rotation", RFC3339.format(details.nextRotation().get().atOffset(ZoneOffset.UTC)));
        } else {
            data.putNull("next_rotation");
        }
        data.put("type", key.type().wireName());
        ObjectNode versions = data.putObject("versions");
        for (KeyVersion v : details.visibleVersions()) {
            ObjectNode version = versions.putObject(Integer.toString(v.number()));
            version.put("creation_time", RFC3339.format(v.createdAt().atOffset(ZoneOffset.UTC)));
            version.put("public_key", v.publicKeyPem());
        }
        return data;
    }

    public static ObjectNode provider(KmsProvider provider) {
        ObjectNode data = VaultResponses.object();
        data.put("key_collection", provider.keyCollection());
        data.put("provider", provider.type().wireName());
        return data;
    }

    public static ObjectNode distribution(Distribution d) {
        ObjectNode data = VaultResponses.object();
        data.put("name", d.azureKeyName());
        data.put("protection", d.protection().wireName());
        data.put("purpose", d.purposes().stream().map(KeyPurpose::wireName).collect(Collectors.joining(",")));
        ObjectNode versions = data.putObject("versions");
        for (Map.Entry<Integer, String> v : d.azureVersions().entrySet()) {
            versions.put(Integer.toString(v.getKey()), v.getValue());
        }
        // Beyond Vault: where this distribution stands and why it stopped, if it did.
        data.put("state", d.state().name().toLowerCase(java.util.Locale.ROOT));
        if (d.lastError().isPresent()) {
            data.put("last_error", d.lastError().get());
        } else {
            data.putNull("last_error");
        }
        return data;
    }
}
