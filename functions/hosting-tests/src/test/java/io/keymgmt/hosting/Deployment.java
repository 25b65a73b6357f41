package io.keymgmt.hosting;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.seal.LocalKeyFileKek;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.functions.FunctionsHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The four function apps deployed as on Azure, but locally: each app's packaged folder started by the
 * testkit's double of the Functions host, with its own system-assigned managed identity (its own
 * IDENTITY_HEADER) that holds exactly {@link FunctionApp#keyVaultKeyPermissions()} in the target
 * vaults, all sharing one Table Storage (Azurite) and one sealing key, configured only through app
 * settings (environment variables), as Azure configures them.
 */
final class Deployment implements AutoCloseable {

    static final String TOKEN = "hosting-test-token";
    static final List<String> VAULTS = List.of("lp-vault-1", "lp-vault-2");
    private static final String ENVIRONMENT = "KeyVaultEmulator";

    private final LocalKeyVaults vaults;
    private final Path work;
    private final Map<FunctionApp, FunctionsHost> hosts = new EnumMap<>(FunctionApp.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Deployment(LocalKeyVaults vaults, Path work) {
        this.vaults = vaults;
        this.work = work;
    }

    static Deployment start(Packaging packaging) {
        LocalKeyVaults.Builder builder = LocalKeyVaults.builder();
        Map<String, Map<String, List<String>>> policies = new LinkedHashMap<>();
        for (FunctionApp app : FunctionApp.values()) {
            builder.hostIdentity(objectId(app), clientId(app));
        }
        for (String vault : VAULTS) {
            Map<String, List<String>> policy = new LinkedHashMap<>();
            for (FunctionApp app : FunctionApp.values()) {
                policy.put(clientId(app), app.keyVaultKeyPermissions());
            }
            builder.vault(vault, policy);
            policies.put(vault, policy);
        }
        LocalKeyVaults vaults = builder.start();
        Deployment deployment;
        try {
            deployment = new Deployment(vaults, Files.createTempDirectory("keymgmt-hosting-"));
        } catch (IOException e) {
            vaults.close();
            throw new UncheckedIOException(e);
        }
        ExecutorService starting = Executors.newFixedThreadPool(FunctionApp.values().length);
        try {
            Map<String, String> shared = deployment.sharedSettings(packaging);
            // The seal key file is created by whichever app opens it first; make it before they race.
            LocalKeyFileKek.openOrCreate(deployment.work.resolve("seal.key"));
            Map<FunctionApp, Future<FunctionsHost>> started = new EnumMap<>(FunctionApp.class);
            for (FunctionApp app : FunctionApp.values()) {
                Map<String, String> settings = new HashMap<>(shared);
                settings.putAll(vaults.managedIdentityEnvironment(clientId(app)));
                started.put(app, starting.submit(() -> FunctionsHost.options().inheritEnvironment(false)
                        .start(packaging.folder(app), settings)));
            }
            RuntimeException failed = null;
            for (Map.Entry<FunctionApp, Future<FunctionsHost>> host : started.entrySet()) {
                try {
                    deployment.hosts.put(host.getKey(), host.getValue().get());
                } catch (ExecutionException e) {
                    failed = failed != null ? failed : new IllegalStateException(host.getKey().appName()
                            + " did not start", e.getCause());
                }
            }
            if (failed != null) {
                throw failed;
            }
            return deployment;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deployment.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        } finally {
            starting.shutdownNow();
        }
    }

    /** The app settings every app gets, as the deployment would set them. */
    private Map<String, String> sharedSettings(Packaging packaging) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("FUNCTIONS_WORKER_RUNTIME", packaging.workerRuntime());
        settings.put("PATH", System.getenv("PATH"));
        settings.put("JAVA_HOME", System.getProperty("java.home"));
        settings.put("AzureWebJobsStorage", Azurite.shared().connectionString());
        settings.put("KEYMGMT_API_TOKEN", TOKEN);
        settings.put("KEYMGMT_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        settings.put("KEYMGMT_STORAGE_TABLE_PREFIX", "h" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        settings.put("KEYMGMT_SEAL_MODE", "local-file");
        settings.put("KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString());
        settings.put("KEYMGMT_KEYVAULT_PACING_LIMIT", "0");
        // Periods of seconds, so a key falls due within a test.
        settings.put("KEYMGMT_ROTATION_MINIMUM_PERIOD", "1s");
        settings.put("KEYMGMT_ROTATION_RETRY_BACKOFF", "1s");
        settings.put("KEYMGMT_ROTATION_SCHEDULE", "0 */5 * * * *");
        // A custom cloud's vault map has names that environment variables cannot spell (lp-vault-1), so
        // it comes in a file named by an app setting, as a Private Link deployment could do it too.
        settings.put("QUARKUS_CONFIG_LOCATIONS", emulatorEnvironmentFile().toString());
        return settings;
    }

    private Path emulatorEnvironmentFile() {
        String prefix = "keymgmt.azure.environments." + ENVIRONMENT + ".";
        StringBuilder properties = new StringBuilder()
                .append("keymgmt.azure.default-environment=").append(ENVIRONMENT).append('\n')
                .append("keymgmt.azure.trust-certificates=").append(vaults.caCertificateFile()).append('\n')
                .append(prefix).append("audience=https://vault.azure.net\n")
                .append(prefix).append("authority-host=").append(vaults.emulator().authorityHost()).append('\n')
                .append(prefix).append("verify-challenge-resource=false\n");
        vaults.vaultUrls().forEach((name, url) -> properties.append(prefix).append("vaults.").append(name)
                .append('=').append(url).append('\n'));
        try {
            return Files.writeString(work.resolve("emulator-environment.properties"), properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String clientId(FunctionApp app) {
        return "00000000-0000-4000-8000-0000000e000" + app.ordinal();
    }

    static String objectId(FunctionApp app) {
        return "00000000-0000-4000-8000-0000000f000" + app.ordinal();
    }

    LocalKeyVaults vaults() {
        return vaults;
    }

    FunctionsHost host(FunctionApp app) {
        return hosts.get(app);
    }

    /** A request to an app as a Vault client sends it (X-Vault-Token, JSON body). */
    HttpResponse<String> call(FunctionApp app, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hosts.get(app).address().toString()
                .replaceAll("/$", "") + path)).timeout(Duration.ofMinutes(2)).header("X-Vault-Token", TOKEN);
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " to " + app.appName() + " failed; it printed:\n"
                    + hosts.get(app).outputTail(40), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes (receives and deletes) the rotation messages about {@code key} from the real queue. */
    List<String> takeRotationWork(String key) {
        QueueClient queue = new QueueClientBuilder().connectionString(Azurite.shared().connectionString())
                .queueName(RotationQueue.NAME).messageEncoding(QueueMessageEncoding.BASE64).buildClient();
        List<String> mine = new java.util.ArrayList<>();
        for (QueueMessageItem m : queue.receiveMessages(32, Duration.ofSeconds(2), null, null)) {
            if (m.getBody().toString().contains("\"" + key + "\"")) {
                mine.add(m.getBody().toString());
                queue.deleteMessage(m.getMessageId(), m.getPopReceipt());
            }
        }
        return mine;
    }

    @Override
    public void close() {
        for (FunctionsHost host : hosts.values()) {
            host.close();
        }
        vaults.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temp folder with a seal key and a properties file.
        }
    }
}
