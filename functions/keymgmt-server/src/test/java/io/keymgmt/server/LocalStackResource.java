package io.keymgmt.server;

import io.keymgmt.testkit.Azurite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real local components behind the API under test: Azurite for Table Storage and the Key Vault
 * emulator; no mocks. Each Quarkus test run gets its own tables and sealing key.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "test-root-token";

    private Path work;

    @Override
    public Map<String, String> start() {
        Azurite azurite = Azurite.shared();
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
        return config;
    }

    @Override
    public void stop() {
        // Azurite is shared by the JVM and stopped at its exit; the temp dir holds only the seal key.
    }
}
