package io.keymgmt.store.table;

import static io.keymgmt.store.table.Entities.bool;
import static io.keymgmt.store.table.Entities.bytes;
import static io.keymgmt.store.table.Entities.instant;
import static io.keymgmt.store.table.Entities.integer;
import static io.keymgmt.store.table.Entities.optionalString;
import static io.keymgmt.store.table.Entities.quoted;
import static io.keymgmt.store.table.Entities.string;
import static io.keymgmt.store.table.Entities.time;
import static io.keymgmt.store.table.Entities.withEtag;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
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
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.time.Duration;
import java.time.Instant;
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
 * rows {@code v|0000000001}.. the versions, rows {@code d|<provider>} the distributions. Made by
 * {@link TableStorage#keys()}, whose client captures transaction ETags.
 *
 * <p>A deletion first marks the header as deleting, then removes versions in transactions of at most
 * {@value EntityGroupTransaction#MAX_OPERATIONS} entities (Table Storage's limit), then the header: a
 * crash anywhere leaves a hidden, marked header that the next create or delete of the same name
 * finishes off.
 */
public final class TableKeyStore implements KeyStore {

    static final String HEADER_ROW = "key";
    private static final String VERSION_PREFIX = "v|";
    private static final String DISTRIBUTION_PREFIX = "d|";
    private static final String DELETING = "Deleting";
    private static final String ROTATION_PERIOD = "RotationPeriodSeconds";
    private static final String NEXT_ROTATION = "NextRotationAt";
    /** Edm.DateTime ends with 9999; a later time would be stored and then fail every read. */
    private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");

    private final TableClient table;

    TableKeyStore(TableClient table) {
        this.table = table;
    }

    @Override
    public Optional<Stored<ManagedKey>> find(String name) {
        return findHeader(name).filter(h -> !bool(h, DELETING)).map(TableKeyStore::readKey);
    }

    @Override
    public List<String> listNames() {
        List<String> names = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("RowKey eq " + quoted(HEADER_ROW))
                    .setSelect(List.of("PartitionKey", DELETING)), null, Context.NONE)) {
                if (!bool(e, DELETING)) {
                    names.add(e.getPartitionKey());
                }
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("listing keys", e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public List<Stored<ManagedKey>> dueForRotation(Instant now, int limit) {
        // A query on a property scans on the service side; what comes back is only the due headers.
        String filter = "RowKey eq " + quoted(HEADER_ROW) + " and " + NEXT_ROTATION + " le datetime'"
                + time(now).toInstant() + "'";
        List<Stored<ManagedKey>> due = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE)) {
                if (due.size() >= limit) {
                    break;
                }
                if (!bool(e, DELETING)) {
                    due.add(readKey(e));
                }
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("finding keys due for rotation", e);
        }
        return due;
    }

    @Override
    public List<Stored<ManagedKey>> allKeys() {
        List<Stored<ManagedKey>> keys = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("RowKey eq " + quoted(HEADER_ROW)), null, Context.NONE)) {
                if (!bool(e, DELETING)) {
                    keys.add(readKey(e));
                }
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("reading every key", e);
        }
        return keys;
    }

    @Override
    public List<Stored<Distribution>> allDistributions() {
        String upper = DISTRIBUTION_PREFIX.substring(0, DISTRIBUTION_PREFIX.length() - 1) + "}";
        List<Stored<Distribution>> found = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions().setFilter("RowKey gt "
                    + quoted(DISTRIBUTION_PREFIX) + " and RowKey lt " + quoted(upper)), null, Context.NONE)) {
                found.add(readDistribution(e));
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("reading every distribution", e);
        }
        return found;
    }

    @Override
    public Stored<ManagedKey> create(ManagedKey key, KeyVersion first) {
        if (key.latestVersion() != 1 || first.number() != 1) {
            throw new IllegalArgumentException("a key is created with version 1 only; got a header counting "
                    + key.latestVersion() + " versions and version " + first.number());
        }
        requireSameKey(key, first.keyName(), "version 1");
        findHeader(key.name()).filter(h -> bool(h, DELETING)).ifPresent(this::finishDeletion);
        TableEntity header = writeKey(key, false);
        EntityGroupTransaction done = EntityGroupTransaction.submit(table, "creating key " + key.name(), List.of(
                new TableTransactionAction(TableTransactionActionType.CREATE, header),
                new TableTransactionAction(TableTransactionActionType.CREATE, writeVersion(first))));
        return new Stored<>(asStoredKey(header), done.etag(0));
    }

    @Override
    public Stored<ManagedKey> update(ManagedKey key, String etag) {
        TableEntity header = writeKey(key, false);
        try {
            Response<Void> response = table.updateEntityWithResponse(withEtag(header, etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(asStoredKey(header), Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("updating key " + key.name(), e);
        }
    }

    @Override
    public Stored<ManagedKey> addVersion(ManagedKey rotated, String etag, KeyVersion version) {
        if (version.number() != rotated.latestVersion()) {
            throw new IllegalArgumentException("version " + version.number() + " is not the key's latest ("
                    + rotated.latestVersion() + "); rotate the header so that it counts the new version");
        }
        requireSameKey(rotated, version.keyName(), "version " + version.number());
        TableEntity header = writeKey(rotated, false);
        EntityGroupTransaction done = EntityGroupTransaction.submit(table,
                "adding version " + version.number() + " to key " + rotated.name(), List.of(
                        new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, withEtag(header, etag), true),
                        new TableTransactionAction(TableTransactionActionType.CREATE, writeVersion(version))));
        return new Stored<>(asStoredKey(header), done.etag(0));
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
        if (number < 1) {
            return Optional.empty();
        }
        return Entities.find(table, keyName, versionRow(number), "reading version " + number + " of key " + keyName)
                .map(TableKeyStore::readVersion);
    }

    @Override
    public void delete(String name, String etag) {
        Optional<TableEntity> header = findHeader(name);
        if (header.isEmpty()) {
            return;
        }
        // A marked header is finished off whatever the ETag says: its deletion was already decided.
        finishDeletion(bool(header.get(), DELETING) ? header.get() : markDeleting(name, etag));
    }

    @Override
    public void finishInterruptedDeletion(String name) {
        findHeader(name).filter(h -> bool(h, DELETING)).ifPresent(this::finishDeletion);
    }

    /**
     * The first step of a deletion: refuses a distributed key, then marks the header as deleting
     * under {@code etag}, which hides the key. Package-private so that tests can stop a deletion here.
     *
     * @return the marked header, with its new ETag
     */
    TableEntity markDeleting(String name, String etag) {
        List<TableEntity> distributions = rowsWithPrefix(name, DISTRIBUTION_PREFIX, List.of("RowKey"));
        if (!distributions.isEmpty()) {
            throw new StillReferencedException("key \"" + name + "\" is still distributed to "
                    + distributions.stream().map(d -> d.getRowKey().substring(DISTRIBUTION_PREFIX.length()))
                            .collect(Collectors.joining(", "))
                    + "; remove those distributions first");
        }
        // The condition on the header's ETag is what makes the distribution check above safe:
        // recording a distribution rewrites the header. A merge sets the mark and keeps the rest.
        TableEntity mark = new TableEntity(name, HEADER_ROW).addProperty(DELETING, true);
        try {
            String markedEtag = Etags.of(table.updateEntityWithResponse(withEtag(mark, etag),
                    TableEntityUpdateMode.MERGE, true, null, Context.NONE));
            return withEtag(new TableEntity(name, HEADER_ROW), markedEtag);
        } catch (RuntimeException e) {
            throw TableErrors.translate("deleting key " + name, e);
        }
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
        return Entities.find(table, keyName, DISTRIBUTION_PREFIX + providerName,
                "reading distribution of key " + keyName + " to " + providerName).map(TableKeyStore::readDistribution);
    }

    @Override
    public Stored<Distribution> addDistribution(ManagedKey key, String keyEtag, Distribution distribution) {
        requireSameKey(key, distribution.keyName(), "the distribution to " + distribution.providerName());
        TableEntity row = writeDistribution(distribution);
        EntityGroupTransaction done = EntityGroupTransaction.submit(table,
                "recording distribution of key " + key.name() + " to " + distribution.providerName(), List.of(
                        new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE,
                                withEtag(writeKey(key, false), keyEtag), true),
                        new TableTransactionAction(TableTransactionActionType.CREATE, row)));
        return new Stored<>(asStoredDistribution(row), done.etag(1));
    }

    @Override
    public Stored<Distribution> updateDistribution(Distribution distribution, String etag) {
        TableEntity row = writeDistribution(distribution);
        try {
            Response<Void> response = table.updateEntityWithResponse(withEtag(row, etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(asStoredDistribution(row), Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("updating distribution of key " + distribution.keyName() + " to "
                    + distribution.providerName(), e);
        }
    }

    @Override
    public void deleteDistribution(String keyName, String providerName, String etag) {
        try {
            table.deleteEntityWithResponse(withEtag(new TableEntity(keyName, DISTRIBUTION_PREFIX + providerName), etag),
                    true, null, Context.NONE);
        } catch (RuntimeException e) {
            throw TableErrors.translate("deleting distribution of key " + keyName + " to " + providerName, e);
        }
    }

    private static void requireSameKey(ManagedKey key, String keyName, String what) {
        if (!key.name().equals(keyName)) {
            throw new IllegalArgumentException(what + " belongs to key \"" + keyName + "\", not to key \""
                    + key.name() + "\"");
        }
    }

    private Optional<TableEntity> findHeader(String name) {
        return Entities.find(table, name, HEADER_ROW, "reading key " + name);
    }

    /**
     * The rest of a deletion: removes the versions of a header marked as deleting, then the header.
     * Package-private so that tests can interleave it with other calls.
     *
     * <p>Each transaction also touches the marked header under its ETag (a merge that keeps it
     * marked): if another caller finished this deletion and created the key anew meanwhile, the
     * header's ETag differs and the transaction fails before it can remove the new key's versions.
     *
     * @throws ConcurrentUpdateException if the marked header changed or went away meanwhile
     */
    void finishDeletion(TableEntity markedHeader) {
        String name = markedHeader.getPartitionKey();
        String headerEtag = markedHeader.getETag();
        List<TableEntity> rows = rowsWithPrefix(name, VERSION_PREFIX, List.of("RowKey"));
        int perTransaction = EntityGroupTransaction.MAX_OPERATIONS - 1;
        for (int from = 0; from < rows.size(); from += perTransaction) {
            List<TableTransactionAction> batch = new ArrayList<>();
            batch.add(new TableTransactionAction(TableTransactionActionType.UPDATE_MERGE,
                    withEtag(new TableEntity(name, HEADER_ROW).addProperty(DELETING, true), headerEtag), true));
            for (TableEntity row : rows.subList(from, Math.min(rows.size(), from + perTransaction))) {
                batch.add(new TableTransactionAction(TableTransactionActionType.DELETE,
                        new TableEntity(name, row.getRowKey())));
            }
            headerEtag = EntityGroupTransaction.submit(table, "deleting versions of key " + name, batch).etag(0);
        }
        try {
            table.deleteEntityWithResponse(withEtag(new TableEntity(name, HEADER_ROW), headerEtag), true, null,
                    Context.NONE);
        } catch (RuntimeException e) {
            throw TableErrors.translate("deleting key " + name, e);
        }
    }

    private List<TableEntity> rowsWithPrefix(String partition, String prefix, List<String> select) {
        // Every prefix ends in '|'; '}' is the next character, so the range is exactly the prefix.
        String upper = prefix.substring(0, prefix.length() - 1) + "}";
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq " + quoted(partition)
                + " and RowKey gt " + quoted(prefix) + " and RowKey lt " + quoted(upper));
        if (select != null) {
            options.setSelect(select);
        }
        List<TableEntity> rows = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(options, null, Context.NONE)) {
                rows.add(e);
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("reading key " + partition, e);
        }
        return rows;
    }

    private static String versionRow(int number) {
        return VERSION_PREFIX + String.format(Locale.ROOT, "%010d", number);
    }

    private static TableEntity writeKey(ManagedKey k, boolean deleting) {
        TableEntity e = new TableEntity(k.name(), HEADER_ROW)
                .addProperty("Type", k.type().wireName())
                .addProperty("LatestVersion", k.latestVersion())
                .addProperty("MinEnabledVersion", k.minEnabledVersion())
                .addProperty("DeletionAllowed", k.deletionAllowed())
                .addProperty(DELETING, deleting)
                .addProperty("CreatedAt", time(k.createdAt()))
                .addProperty("UpdatedAt", time(k.updatedAt()))
                .addProperty(ROTATION_PERIOD, k.rotationPeriod().toSeconds())
                .addProperty("LastRotatedAt", time(k.lastRotatedAt()));
        // The due index: written with the header it belongs to, so it is never out of step; absent when off.
        k.nextRotationAt().ifPresent(next -> {
            if (next.isAfter(LATEST_TIME)) {
                throw new IllegalArgumentException("key " + k.name() + " would next rotate at " + next
                        + ", after the last time Table Storage can hold (" + LATEST_TIME + ")");
            }
            e.addProperty(NEXT_ROTATION, time(next));
        });
        return e;
    }

    private static Stored<ManagedKey> readKey(TableEntity e) {
        return new Stored<>(Entities.decoded(e, () -> asStoredKey(e)), e.getETag());
    }

    /** The key a header holds: what was written, with times cut to the stored precision. */
    private static ManagedKey asStoredKey(TableEntity e) {
        Instant created = instant(e, "CreatedAt");
        return new ManagedKey(e.getPartitionKey(), KeyType.fromWireName(string(e, "Type")),
                integer(e, "LatestVersion"), integer(e, "MinEnabledVersion"), bool(e, "DeletionAllowed"),
                created, instant(e, "UpdatedAt"), Duration.ofSeconds(Entities.optionalLong(e, ROTATION_PERIOD, 0)),
                Entities.optionalInstant(e, "LastRotatedAt").orElse(created));
    }

    private static TableEntity writeVersion(KeyVersion v) {
        return new TableEntity(v.keyName(), versionRow(v.number()))
                .addProperty("Number", v.number())
                .addProperty("CreatedAt", time(v.createdAt()))
                .addProperty("PublicKeyPem", v.publicKeyPem())
                .addProperty("PrivateKey", v.sealedPrivateKey().toBytes());
    }

    private static KeyVersion readVersion(TableEntity e) {
        return Entities.decoded(e, () -> new KeyVersion(e.getPartitionKey(), integer(e, "Number"), instant(e, "CreatedAt"),
                string(e, "PublicKeyPem"), SealedBlob.parse(bytes(e, "PrivateKey"))));
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
        e.addProperty("FailedAttempts", d.failedAttempts());
        d.retryAt().ifPresent(at -> e.addProperty("RetryAt", time(at)));
        if (d.importingVersion() > 0) {
            e.addProperty("ImportingVersion", d.importingVersion());
        }
        return e;
    }

    private static Stored<Distribution> readDistribution(TableEntity e) {
        return new Stored<>(Entities.decoded(e, () -> asStoredDistribution(e)), e.getETag());
    }

    /** The distribution a row holds: what was written, with times cut to the stored precision. */
    private static Distribution asStoredDistribution(TableEntity e) {
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
        return new Distribution(e.getPartitionKey(), string(e, "Provider"), string(e, "AzureKeyName"),
                purposes, Protection.fromWireName(string(e, "Protection")), versions,
                DistributionState.valueOf(string(e, "State")), integer(e, "AppliedMinEnabledVersion"),
                optionalString(e, "LastError"), instant(e, "CreatedAt"), instant(e, "UpdatedAt"),
                (int) Entities.optionalLong(e, "FailedAttempts", 0), Entities.optionalInstant(e, "RetryAt"),
                (int) Entities.optionalLong(e, "ImportingVersion", 0));
    }
}
