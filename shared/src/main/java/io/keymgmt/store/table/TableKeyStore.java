package io.keymgmt.store.table;

import static io.keymgmt.store.table.Entities.bool;
import static io.keymgmt.store.table.Entities.bytes;
import static io.keymgmt.store.table.Entities.instant;
import static io.keymgmt.store.table.Entities.integer;
import static io.keymgmt.store.table.Entities.optionalString;
import static io.keymgmt.store.table.Entities.string;
import static io.keymgmt.store.table.Entities.time;
import static io.keymgmt.store.table.Entities.withEtag;
import static io.keymgmt.store.table.TableProviderStore.etagOf;
import static io.keymgmt.store.table.TableProviderStore.odata;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionResult;
import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.Stored;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Keys in Table Storage. Partition = key name; row {@value #HEADER_ROW} is the {@link ManagedKey},
 * rows {@code v|0000000001}.. the versions, rows {@code d|<provider>} the distributions.
 *
 * <p>A deletion first marks the header as deleting, then removes versions in transactions of at most
 * {@value #MAX_BATCH} entities, then the header: a crash anywhere leaves a hidden, marked header that
 * the next create of the same name (or the next delete) finishes off.
 */
public final class TableKeyStore implements KeyStore {

    static final String HEADER_ROW = "key";
    private static final String VERSION_PREFIX = "v|";
    private static final String DISTRIBUTION_PREFIX = "d|";
    /** Table Storage's limit of entities per entity group transaction. */
    static final int MAX_BATCH = 100;

    private final TableClient table;

    public TableKeyStore(TableClient table) {
        this.table = table;
    }

    @Override
    public Optional<Stored<ManagedKey>> find(String name) {
        return findHeader(name).filter(h -> !bool(h, "Deleting")).map(TableKeyStore::readKey);
    }

    @Override
    public List<String> listNames() {
        List<String> names = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("RowKey eq '" + HEADER_ROW + "'")
                    .setSelect(List.of("PartitionKey", "Deleting")), null, Context.NONE)) {
                if (!bool(e, "Deleting")) {
                    names.add(e.getPartitionKey());
                }
            }
        } catch (TableServiceException e) {
            throw TableErrors.translate("listing keys", e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public Stored<ManagedKey> create(ManagedKey key, KeyVersion first) {
        findHeader(key.name()).filter(h -> bool(h, "Deleting")).ifPresent(this::finishDeletion);
        List<TableTransactionAction> actions = List.of(
                new TableTransactionAction(TableTransactionActionType.CREATE, writeKey(key, false)),
                new TableTransactionAction(TableTransactionActionType.CREATE, writeVersion(first)));
        return new Stored<>(key, submit("creating key " + key.name(), actions));
    }

    @Override
    public Stored<ManagedKey> update(ManagedKey key, String etag) {
        try {
            Response<Void> response = table.updateEntityWithResponse(withEtag(writeKey(key, false), etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(key, etagOf(response));
        } catch (TableServiceException e) {
            throw TableErrors.translate("updating key " + key.name(), e);
        }
    }

    @Override
    public Stored<ManagedKey> addVersion(ManagedKey rotated, String etag, KeyVersion version) {
        if (version.number() != rotated.latestVersion()) {
            throw new IllegalArgumentException("version " + version.number() + " is not the key's latest ("
                    + rotated.latestVersion() + ")");
        }
        List<TableTransactionAction> actions = List.of(
                new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE,
                        withEtag(writeKey(rotated, false), etag), true),
                new TableTransactionAction(TableTransactionActionType.CREATE, writeVersion(version)));
        return new Stored<>(rotated, submit("adding version " + version.number() + " to key " + rotated.name(), actions));
    }

    @Override
    public List<KeyVersion> versions(String keyName) {
        List<KeyVersion> versions = new ArrayList<>();
        for (TableEntity e : rowsWithPrefix(keyName, VERSION_PREFIX, null)) {
            versions.add(readVersion(e));
        }
        return versions;
    }

    @Override
    public Optional<KeyVersion> version(String keyName, int number) {
        try {
            return Optional.of(readVersion(table.getEntity(keyName, versionRow(number))));
        } catch (TableServiceException e) {
            if (TableErrors.status(e) == 404) {
                return Optional.empty();
            }
            throw TableErrors.translate("reading version " + number + " of key " + keyName, e);
        }
    }

    @Override
    public void delete(String name, String etag) {
        if (!rowsWithPrefix(name, DISTRIBUTION_PREFIX, List.of("RowKey")).isEmpty()) {
            throw new IllegalStateException("key " + name + " is still distributed");
        }
        ManagedKey key = find(name).map(Stored::value)
                .orElseThrow(() -> new ConcurrentUpdateException("key " + name + " is gone", null));
        String marked;
        try {
            // The condition on the header's ETag is what makes the distribution check above safe:
            // recording a distribution rewrites the header.
            marked = etagOf(table.updateEntityWithResponse(withEtag(writeKey(key, true), etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE));
        } catch (TableServiceException e) {
            throw TableErrors.translate("deleting key " + name, e);
        }
        TableEntity header = writeKey(key, true);
        withEtag(header, marked);
        finishDeletion(header);
    }

    @Override
    public List<Stored<Distribution>> distributions(String keyName) {
        List<Stored<Distribution>> result = new ArrayList<>();
        for (TableEntity e : rowsWithPrefix(keyName, DISTRIBUTION_PREFIX, null)) {
            result.add(readDistribution(e));
        }
        return result;
    }

    @Override
    public Optional<Stored<Distribution>> distribution(String keyName, String providerName) {
        try {
            return Optional.of(readDistribution(table.getEntity(keyName, DISTRIBUTION_PREFIX + providerName)));
        } catch (TableServiceException e) {
            if (TableErrors.status(e) == 404) {
                return Optional.empty();
            }
            throw TableErrors.translate("reading distribution of key " + keyName + " to " + providerName, e);
        }
    }

    @Override
    public Stored<Distribution> addDistribution(ManagedKey key, String keyEtag, Distribution distribution) {
        List<TableTransactionAction> actions = List.of(
                new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE,
                        withEtag(writeKey(key, false), keyEtag), true),
                new TableTransactionAction(TableTransactionActionType.CREATE, writeDistribution(distribution)));
        try {
            Response<TableTransactionResult> response = table.submitTransactionWithResponse(actions, null, Context.NONE);
            String etag = response.getValue().getTransactionActionResponses().get(1).getHeaders().getValue("ETag");
            if (etag == null) {
                etag = table.getEntity(distribution.keyName(), DISTRIBUTION_PREFIX + distribution.providerName()).getETag();
            }
            return new Stored<>(distribution, etag);
        } catch (TableServiceException e) {
            throw TableErrors.translate("recording distribution of key " + key.name() + " to "
                    + distribution.providerName(), e);
        }
    }

    @Override
    public Stored<Distribution> updateDistribution(Distribution distribution, String etag) {
        try {
            Response<Void> response = table.updateEntityWithResponse(withEtag(writeDistribution(distribution), etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(distribution, etagOf(response));
        } catch (TableServiceException e) {
            throw TableErrors.translate("updating distribution of key " + distribution.keyName() + " to "
                    + distribution.providerName(), e);
        }
    }

    @Override
    public void deleteDistribution(String keyName, String providerName, String etag) {
        try {
            table.deleteEntityWithResponse(withEtag(new TableEntity(keyName, DISTRIBUTION_PREFIX + providerName), etag),
                    true, null, Context.NONE);
        } catch (TableServiceException e) {
            throw TableErrors.translate("deleting distribution of key " + keyName + " to " + providerName, e);
        }
    }

    private Optional<TableEntity> findHeader(String name) {
        try {
            return Optional.of(table.getEntity(name, HEADER_ROW));
        } catch (TableServiceException e) {
            if (TableErrors.status(e) == 404) {
                return Optional.empty();
            }
            throw TableErrors.translate("reading key " + name, e);
        }
    }

    /** Removes the versions of a header marked as deleting, then the header itself. */
    private void finishDeletion(TableEntity header) {
        String name = header.getPartitionKey();
        List<TableEntity> rows = rowsWithPrefix(name, VERSION_PREFIX, List.of("PartitionKey", "RowKey"));
        for (int from = 0; from < rows.size(); from += MAX_BATCH) {
            List<TableTransactionAction> batch = new ArrayList<>();
            for (TableEntity row : rows.subList(from, Math.min(rows.size(), from + MAX_BATCH))) {
                batch.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                        new TableEntity(name, row.getRowKey())));
            }
            submit("deleting versions of key " + name, batch);
        }
        try {
            table.deleteEntityWithResponse(withEtag(new TableEntity(name, HEADER_ROW), header.getETag()), true, null,
                    Context.NONE);
        } catch (TableServiceException e) {
            throw TableErrors.translate("deleting key " + name, e);
        }
    }

    private List<TableEntity> rowsWithPrefix(String partition, String prefix, List<String> select) {
        // Every prefix ends in '|'; '}' is the next character, so the range is exactly the prefix.
        String upper = prefix.substring(0, prefix.length() - 1) + "}";
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq '" + odata(partition)
                + "' and RowKey gt '" + prefix + "' and RowKey lt '" + upper + "'");
        if (select != null) {
            options.setSelect(select);
        }
        List<TableEntity> rows = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
                rows.add(e);
            }
        } catch (TableServiceException e) {
            throw TableErrors.translate("reading key " + partition, e);
        }
        return rows;
    }

    /** Submits one entity group transaction and returns the ETag of its first entity. */
    private String submit(String what, List<TableTransactionAction> actions) {
        try {
            Response<TableTransactionResult> response = table.submitTransactionWithResponse(actions, null, Context.NONE);
            String etag = response.getValue().getTransactionActionResponses().get(0).getHeaders().getValue("ETag");
            if (etag == null) {
                // Not every implementation reports ETags inside a batch response; read it back.
                TableEntity first = actions.get(0).getEntity();
                etag = table.getEntity(first.getPartitionKey(), first.getRowKey()).getETag();
            }
            return etag;
        } catch (TableServiceException e) {
            throw TableErrors.translate(what, e);
        }
    }

    private static String versionRow(int number) {
        return VERSION_PREFIX + String.format(Locale.ROOT, "%010d", number);
    }

    private static TableEntity writeKey(ManagedKey k, boolean deleting) {
        return new TableEntity(k.name(), HEADER_ROW)
                .addProperty("Type", k.type().wireName())
                .addProperty("LatestVersion", k.latestVersion())
                .addProperty("MinEnabledVersion", k.minEnabledVersion())
                .addProperty("DeletionAllowed", k.deletionAllowed())
                .addProperty("Deleting", deleting)
                .addProperty("CreatedAt", time(k.createdAt()))
                .addProperty("UpdatedAt", time(k.updatedAt()));
    }

    private static Stored<ManagedKey> readKey(TableEntity e) {
        ManagedKey key = new ManagedKey(e.getPartitionKey(), KeyType.fromWireName(string(e, "Type")),
                integer(e, "LatestVersion"), integer(e, "MinEnabledVersion"), bool(e, "DeletionAllowed"),
                instant(e, "CreatedAt"), instant(e, "UpdatedAt"));
        return new Stored<>(key, e.getETag());
    }

    private static TableEntity writeVersion(KeyVersion v) {
        return new TableEntity(v.keyName(), versionRow(v.number()))
                .addProperty("Number", v.number())
                .addProperty("CreatedAt", time(v.createdAt()))
                .addProperty("PublicKeyPem", v.publicKeyPem())
                .addProperty("PrivateKey", v.sealedPrivateKey().toBytes());
    }

    private static KeyVersion readVersion(TableEntity e) {
        return new KeyVersion(e.getPartitionKey(), integer(e, "Number"), instant(e, "CreatedAt"),
                string(e, "PublicKeyPem"), SealedBlob.parse(bytes(e, "PrivateKey")));
    }

    private static TableEntity writeDistribution(Distribution d) {
        TableEntity e = new TableEntity(d.keyName(), DISTRIBUTION_PREFIX + d.providerName())
                .addProperty("Provider", d.providerName())
                .addProperty("AzureKeyName", d.azureKeyName())
                .addProperty("Purposes", d.purposes().stream().map(KeyPurpose::wireName).collect(Collectors.joining(",")))
                .addProperty("Protection", d.protection().wireName())
                .addProperty("AzureVersions", d.azureVersions().entrySet().stream()
                        .map(v -> v.getKey() + ":" + v.getValue()).collect(Collectors.joining(",")))
                .addProperty("State", d.state().name())
                .addProperty("AppliedMinEnabledVersion", d.appliedMinEnabledVersion())
                .addProperty("CreatedAt", time(d.createdAt()))
                .addProperty("UpdatedAt", time(d.updatedAt()));
        d.lastError().ifPresent(err -> e.addProperty("LastError", err));
        return e;
    }

    private static Stored<Distribution> readDistribution(TableEntity e) {
        Set<KeyPurpose> purposes = new LinkedHashSet<>();
        for (String p : string(e, "Purposes").split(",")) {
            purposes.add(KeyPurpose.fromWireName(p));
        }
        SortedMap<Integer, String> versions = new TreeMap<>();
        String encoded = string(e, "AzureVersions");
        if (!encoded.isEmpty()) {
            for (String pair : encoded.split(",")) {
                int colon = pair.indexOf(':');
                versions.put(Integer.parseInt(pair.substring(0, colon)), pair.substring(colon + 1));
            }
        }
        Distribution d = new Distribution(e.getPartitionKey(), string(e, "Provider"), string(e, "AzureKeyName"),
                purposes, Protection.fromWireName(string(e, "Protection")), versions,
                DistributionState.valueOf(string(e, "State")), integer(e, "AppliedMinEnabledVersion"),
                optionalString(e, "LastError"), instant(e, "CreatedAt"), instant(e, "UpdatedAt"));
        return new Stored<>(d, e.getETag());
    }
}
