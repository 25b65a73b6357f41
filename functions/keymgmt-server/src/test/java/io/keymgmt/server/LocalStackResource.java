package io.keymgmt.server;

import io.keymgmt.testkit.Azurite;
import io.keymgmt.testkit.LocalKeyVaults;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real local components behind the API under test, no mocks: Azurite for Table Storage and the
 * Key Vault emulator, reached exactly as production reaches Azure except for endpoints and trust.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-root-token";
    static final String ENVIRONMENT = "KeyVaultEmulator";

    private static LocalKeyVaults vaults;
    private Path work;

    /** The emulator behind the running application, for inspection and access-policy changes. */
    public static LocalKeyVaults vaults() {
        return vaults;
    }

    @Override
    public Map<String, String> start() {
        Azurite azurite = Azurite.shared();
        vaults = LocalKeyVaults.start();
        try {
            work = Files.createTempDirectory("keymgmt-server-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("keymgmt.api.token", TOKEN);
        config.put("keymgmt.storage.connection-string", azurite.connectionString());
        config.put("keymgmt.storage.table-prefix", "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        config.put("keymgmt.seal.mode", "local-file");
        config.put("keymgmt.seal.local-key-file", work.resolve("seal.key").toString());
        config.put("keymgmt.keyvault.pacing-limit", "0");
        config.put("keymgmt.azure.default-environment", ENVIRONMENT);
        config.put("keymgmt.azure.trust-certificates", vaults.caCertificateFile().toString());
        String prefix = "keymgmt.azure.environments." + ENVIRONMENT + ".";
        config.put(prefix + "audience", "https://vault.azure.net");
        config.put(prefix + "authority-host", vaults.emulator().authorityHost().toString());
        config.put(prefix + "verify-challenge-resource", "false");
        vaults.vaultUrls().forEach((name, url) -> config.put(prefix + "vaults." + name, url));
        return config;
    }

    @Override
    public void stop() {
        if (vaults != null) {
            vaults.close();
            vaults = null;
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temp dir holding only the seal key.
            }
        }
    }
}
