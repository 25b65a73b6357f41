package io.keymgmt.http.routes;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.regex.Pattern;

/**
 * Where the engine is mounted, as in {@code vault secrets enable -path=azure-keys keymgmt}: the API is
 * served under {@code /v1/<mount>/}. Vault allows nested mounts (team/keys); sys is Vault's own.
 */
public final class MountPath {

    private static final Pattern MOUNT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

    private MountPath() {
    }

    /** @throws ConfigurationException naming the setting, so start-up stops with one line */
    public static String check(String mount) {
        if (mount == null || !MOUNT.matcher(mount).matches() || mount.equals("sys") || mount.startsWith("sys/")) {
            throw new ConfigurationException("keymgmt.api.mount-path (KEYMGMT_API_MOUNT_PATH) must be a path such as "
                    + "keymgmt or team/azure-keys: letters, digits, '_', '-' and '.', segments separated by '/', not "
                    + "sys; got \"" + mount + "\"");
        }
        return mount;
    }
}
