package io.keymgmt.hosting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.emulator.identity.ApiRegistration;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.testkit.LocalKeyVaults;
import io.keymgmt.testkit.functions.FunctionsHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A packaged app configured as the Azure deployment configures it (KEYMGMT_API_AUTH=entra-id, the tenant
 * and the comma-separated audiences as app settings), in both packagings: it fetches the tenant's keys
 * from the emulator's Entra ID and lets each token do exactly what its app role allows.
 */
class EntraIdOnTheHostTest {

    private static final String APP_ID_URI = "api://keymgmt-hosting";
    private static final String API_CLIENT_ID = "00000000-0000-4000-8000-0000000e0a01";
    private static final String CALLER = LocalKeyVaults.SERVICE_PRINCIPAL_CLIENT_ID;

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Packaging.class)
    void theDeployedSettingsCheckTokensAndRolesOnTheHost(Packaging packaging) throws Exception {
        try (LocalKeyVaults vaults = LocalKeyVaults.start()) {
            ApiRegistration api = vaults.emulator().registerApi(APP_ID_URI, API_CLIENT_ID);
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("FUNCTIONS_WORKER_RUNTIME", packaging.workerRuntime());
            settings.put("PATH", System.getenv("PATH"));
            settings.put("JAVA_HOME", System.getProperty("java.home"));
            settings.put("AzureWebJobsStorage", Azurite.shared().connectionString());
            settings.put("KEYMGMT_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
            settings.put("KEYMGMT_STORAGE_TABLE_PREFIX", "e" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
            settings.put("KEYMGMT_SEAL_MODE", "local-file");
            settings.put("KEYMGMT_SEAL_LOCAL_KEY_FILE", work.resolve("seal.key").toString());
            settings.put("KEYMGMT_API_AUTH", "entra-id");
            settings.put("KEYMGMT_API_ENTRA_TENANT_ID", LocalKeyVaults.TENANT_ID);
            settings.put("KEYMGMT_API_ENTRA_AUDIENCE", APP_ID_URI + "," + API_CLIENT_ID);
            settings.put("KEYMGMT_API_ENTRA_AUTHORITY_HOST", vaults.emulator().authorityHost().toString());
            settings.put("KEYMGMT_AZURE_TRUST_CERTIFICATES", vaults.caCertificateFile().toString());

            try (FunctionsHost host = FunctionsHost.options().inheritEnvironment(false)
                    .start(packaging.folder(FunctionApp.PROVIDER_CONFIGURATION), settings)) {
                String provider = "entra-host-" + UUID.randomUUID().toString().substring(0, 8);
                String body = "{\"provider\":\"azurekeyvault\",\"key_collection\":\"" + LocalKeyVaults.DEMO_VAULTS.get(0)
                        + "\",\"credentials\":{\"tenant_id\":\"" + LocalKeyVaults.TENANT_ID + "\"}}";

                HttpResponse<String> anonymous = send(host, "GET", "/v1/keymgmt/kms?list=true", null, null);
                assertEquals(403, anonymous.statusCode(), anonymous.body());
                assertTrue(anonymous.body().contains("no token"), anonymous.body());

                String reader = token(vaults, api, "reader");
                HttpResponse<String> refused = send(host, "POST", "/v1/keymgmt/kms/" + provider, reader, body);
                assertEquals(403, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("needs the admin app role"), refused.body());

                String admin = token(vaults, api, "admin");
                HttpResponse<String> written = send(host, "POST", "/v1/keymgmt/kms/" + provider, admin, body);
                assertEquals(204, written.statusCode(), written.body());
                HttpResponse<String> read = send(host, "GET", "/v1/keymgmt/kms/" + provider, reader, null);
                assertEquals(200, read.statusCode(), read.body());
                assertTrue(read.body().contains("\"key_collection\":\"" + LocalKeyVaults.DEMO_VAULTS.get(0) + "\""),
                        read.body());
                assertEquals(200, send(host, "GET", "/v1/sys/health", null, null).statusCode());
            }
        }
    }

    private static String token(LocalKeyVaults vaults, ApiRegistration api, String role) {
        vaults.emulator().assignAppRoles(api, CALLER, role);
        Instant now = Instant.now();
        return vaults.emulator().issueApiToken(CALLER, api, now, now.plus(Duration.ofMinutes(10)));
    }

    private static HttpResponse<String> send(FunctionsHost host, String method, String path, String token,
            String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(host.address().toString().replaceAll("/$", "")
                + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("X-Vault-Token", token);
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
