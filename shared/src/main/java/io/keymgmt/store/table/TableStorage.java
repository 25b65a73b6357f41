package io.keymgmt.store.table;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The engine's tables in one storage account. In Azure the account is reached with the function's
 * managed identity (endpoint + credential); locally and in tests with Azurite's connection string.
 * The client carries {@link TransactionEtagCapture}, without which the stores cannot learn the ETags
 * their transactions produce.
 */
public final class TableStorage {

    private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,40}");

    private final TableServiceClient service;
    private final String prefix;

    private TableStorage(TableServiceClient service, String prefix) {
        if (!TABLE_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("table prefix \"" + prefix
                    + "\" must start with a letter and hold only letters and digits (at most 41)");
        }
        this.service = service;
        this.prefix = prefix;
    }

    public static TableStorage fromConnectionString(String connectionString, HttpClient httpClient, String prefix) {
        Objects.requireNonNull(connectionString, "connectionString");
        return new TableStorage(new TableServiceClientBuilder().connectionString(connectionString)
                .httpClient(httpClient).addPolicy(new TransactionEtagCapture()).buildClient(), prefix);
    }

    public static TableStorage fromEndpoint(String endpoint, TokenCredential credential, HttpClient httpClient,
            String prefix) {
        return new TableStorage(new TableServiceClientBuilder().endpoint(endpoint).credential(credential)
                .httpClient(httpClient).addPolicy(new TransactionEtagCapture()).buildClient(), prefix);
    }

    public TableProviderStore providers() {
        return new TableProviderStore(table("providers"));
    }

    public TableKeyStore keys() {
        return new TableKeyStore(table("keys"));
    }

    public TableOperationStore operations() {
        return new TableOperationStore(table("operations"));
    }

    /** Creates the engine's tables if they are missing. Call once at start-up, not per request. */
    public TableStorage ensureTables() {
        for (String name : new String[] {"providers", "keys", "operations"}) {
            try {
                service.createTableIfNotExists(prefix + name);
            } catch (RuntimeException e) {
                throw TableErrors.translate("creating table " + prefix + name, e);
            }
        }
        return this;
    }

    private TableClient table(String name) {
        return service.getTableClient(prefix + name);
    }
}
