package io.keymgmt.store.table;

import static io.keymgmt.store.table.Entities.instant;
import static io.keymgmt.store.table.Entities.integer;
import static io.keymgmt.store.table.Entities.optionalString;
import static io.keymgmt.store.table.Entities.string;
import static io.keymgmt.store.table.Entities.time;
import static io.keymgmt.store.table.Entities.withEtag;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import com.azure.json.JsonWriter;
import io.keymgmt.operations.Operation;
import io.keymgmt.operations.OperationAction;
import io.keymgmt.operations.OperationStatus;
import io.keymgmt.operations.VaultOutcome;
import io.keymgmt.store.OperationStore;
import io.keymgmt.store.Stored;
import io.keymgmt.store.UnreadableRecordException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Operations in Table Storage: one entity each, partition = operation id, row {@value #ROW}. The
 * vaults' outcomes are one JSON property, each error cut so the whole stays within a property's limit.
 */
public final class TableOperationStore implements OperationStore {

    static final String ROW = "operation";
    /** Table Storage holds 32K characters per string property; errors are cut well below that. */
    private static final int MAX_ERROR_LENGTH = 1000;
    private static final int MAX_OUTCOMES_LENGTH = 30_000;

    private final TableClient table;

    TableOperationStore(TableClient table) {
        this.table = table;
    }

    @Override
    public Optional<Stored<Operation>> find(String id) {
        return Entities.find(table, id, ROW, "reading operation " + id)
                .map(e -> new Stored<>(Entities.decoded(e, () -> read(e)), e.getETag()));
    }

    @Override
    public Stored<Operation> create(Operation operation) {
        try {
            Response<Void> response = table.createEntityWithResponse(write(operation), null, Context.NONE);
            return new Stored<>(operation, Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("recording operation " + operation.id(), e);
        }
    }

    @Override
    public Stored<Operation> replace(Operation operation, String etag) {
        try {
            Response<Void> response = table.updateEntityWithResponse(withEtag(write(operation), etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(operation, Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("updating operation " + operation.id(), e);
        }
    }

    private static TableEntity write(Operation o) {
        TableEntity e = new TableEntity(o.id(), ROW)
                .addProperty("Action", o.action().wireName())
                .addProperty("KeyName", o.keyName())
                .addProperty("Fingerprint", o.fingerprint())
                .addProperty("Status", o.status().wireName())
                .addProperty("FromVersion", o.fromVersion())
                .addProperty("VaultsTotal", o.vaultsTotal())
                .addProperty("Outcomes", outcomes(o.outcomes()))
                .addProperty("Attempts", o.attempts())
                .addProperty("CreatedAt", time(o.createdAt()))
                .addProperty("UpdatedAt", time(o.updatedAt()))
                .addProperty("ExpiresAt", time(o.expiresAt()));
        o.providerName().ifPresent(p -> e.addProperty("ProviderName", p));
        o.purpose().ifPresent(p -> e.addProperty("Purpose", p));
        o.protection().ifPresent(p -> e.addProperty("Protection", p));
        o.resultVersion().ifPresent(v -> e.addProperty("ResultVersion", v));
        o.error().ifPresent(err -> e.addProperty("Error", cut(err, 8 * MAX_ERROR_LENGTH)));
        return e;
    }

    private static Operation read(TableEntity e) {
        String action = string(e, "Action");
        return new Operation(
                e.getPartitionKey(),
                OperationAction.fromWireName(action).orElseThrow(() -> new UnreadableRecordException("operation "
                        + e.getPartitionKey() + " has an unknown action \"" + action + "\"")),
                string(e, "KeyName"),
                optionalString(e, "ProviderName"),
                optionalString(e, "Purpose"),
                optionalString(e, "Protection"),
                string(e, "Fingerprint"),
                OperationStatus.fromWireName(string(e, "Status")),
                integer(e, "FromVersion"),
                integer(e, "VaultsTotal"),
                outcomes(string(e, "Outcomes")),
                e.getProperty("ResultVersion") == null ? Optional.empty() : Optional.of(integer(e, "ResultVersion")),
                optionalString(e, "Error"),
                integer(e, "Attempts"),
                instant(e, "CreatedAt"),
                instant(e, "UpdatedAt"),
                instant(e, "ExpiresAt"));
    }

    private static String outcomes(List<VaultOutcome> outcomes) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = JsonProviders.createWriter(text)) {
            json.writeStartArray();
            int budget = MAX_OUTCOMES_LENGTH;
            for (VaultOutcome o : outcomes) {
                String error = o.error().map(err -> cut(err, MAX_ERROR_LENGTH)).orElse(null);
                budget -= o.provider().length() + (error == null ? 0 : error.length()) + 32;
                json.writeStartObject().writeStringField("provider", o.provider());
                if (error != null) {
                    // Past the budget an error is only named; the provider's own record keeps the full text.
                    json.writeStringField("error", budget > 0 ? error : "failed (see the distribution's last_error)");
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static List<VaultOutcome> outcomes(String text) {
        try (JsonReader json = JsonProviders.createReader(text)) {
            List<VaultOutcome> outcomes = json.readArray(item -> item.readObject(object -> {
                String provider = null;
                String error = null;
                while (object.nextToken() != JsonToken.END_OBJECT) {
                    String field = object.getFieldName();
                    object.nextToken();
                    switch (field) {
                        case "provider" -> provider = object.getString();
                        case "error" -> error = object.getString();
                        default -> object.skipChildren();
                    }
                }
                if (provider == null) {
                    throw new UnreadableRecordException("an operation's outcome names no provider");
                }
                return new VaultOutcome(provider, Optional.ofNullable(error));
            }));
            return outcomes == null ? List.of() : new ArrayList<>(outcomes);
        } catch (IOException | IllegalStateException e) {
            throw new UnreadableRecordException("an operation's outcomes are not JSON: " + e.getMessage());
        }
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
