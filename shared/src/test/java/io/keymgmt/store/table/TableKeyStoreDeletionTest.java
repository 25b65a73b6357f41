package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.assertSameVersion;
import static io.keymgmt.store.table.StoreFixture.distribution;
import static io.keymgmt.store.table.StoreFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableKeyStoreDeletionTest {

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableKeyStore store;
    /** The same table, bypassing the adapter, to see every row a deletion may leave behind. */
    private TableClient raw;

    @BeforeAll
    static void openFixture() {
        fixture = new StoreFixture(kekDir.resolve("kek.key"));
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    @BeforeEach
    void freshTables() {
        String prefix = StoreFixture.prefix("deletion");
        store = fixture.tables(prefix).keys();
        raw = fixture.rawTable(prefix + "keys");
    }

    /** A key with versions 1..count, deletion allowed, built through the store as the engine builds it. */
    private Stored<ManagedKey> keyWithVersions(String name, int count) {
        Stored<ManagedKey> current = store.create(key(name).withDeletionAllowed(true, T0), fixture.version(name, 1));
        for (int n = 2; n <= count; n++) {
            current = store.addVersion(current.value().rotated(T0.plusSeconds(n)), current.etag(), fixture.version(name, n));
        }
        return current;
    }

    private List<String> rowsOf(String keyName) {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter("PartitionKey eq '" + keyName + "'").setSelect(List.of("RowKey"));
        return StreamSupport.stream(raw.listEntities(options, null, null).spliterator(), false)
                .map(TableEntity::getRowKey).toList();
    }

    @Test
    void deleteRemovesTheHeaderAndEveryVersionAndNothingElse() {
        Stored<ManagedKey> doomed = keyWithVersions("a", 3);
        keyWithVersions("a-b", 2);
        keyWithVersions("ab", 1);

        store.delete("a", doomed.etag());

        assertTrue(store.find("a").isEmpty());
        assertEquals(List.of(), store.versions("a"));
        assertTrue(store.version("a", 1).isEmpty());
        assertEquals(List.of(), rowsOf("a"), "no row of the key may remain");
        assertEquals(List.of("a-b", "ab"), store.listNames());
        assertEquals(2, store.versions("a-b").size());
        assertEquals(1, store.versions("ab").size());
    }

    @Test
    void deleteWithAStaleEtagFailsAndDeletesNothing() {
        Stored<ManagedKey> before = keyWithVersions("k", 2);
        Stored<ManagedKey> after = store.update(before.value().withMinEnabledVersion(2, T0), before.etag());

        assertThrows(ConcurrentUpdateException.class, () -> store.delete("k", before.etag()));

        assertEquals(after, store.find("k").orElseThrow());
        assertEquals(2, store.versions("k").size());
    }

    @Test
    void deleteIsRefusedWhileADistributionIsRecorded() {
        Stored<ManagedKey> key = keyWithVersions("k", 2);
        Stored<Distribution> d = store.addDistribution(key.value(), key.etag(), distribution("k", "azure-prod"));
        Stored<ManagedKey> current = store.find("k").orElseThrow();

        StillReferencedException refused = assertThrows(StillReferencedException.class, () -> store.delete("k", current.etag()));
        assertTrue(refused.getMessage().contains("azure-prod"), refused.getMessage());

        assertEquals(current, store.find("k").orElseThrow(), "a refused deletion does not even mark the key");
        assertEquals(2, store.versions("k").size());
        assertEquals(d, store.distribution("k", "azure-prod").orElseThrow());

        store.deleteDistribution("k", "azure-prod", d.etag());
        store.delete("k", current.etag());
        assertEquals(List.of(), rowsOf("k"));
    }

    @Test
    void deletingAMissingKeySucceeds() {
        store.delete("never-there", "W/\"datetime'2025-01-01T00%3A00%3A00Z'\"");
        assertEquals(List.of(), store.listNames());
    }

    @Test
    void deleteWorksPastTheHundredEntityTransactionLimit() {
        Stored<ManagedKey> big = keyWithVersions("big", 150);
        assertEquals(150, store.versions("big").size());
        assertEquals(151, rowsOf("big").size());

        store.delete("big", big.etag());

        assertTrue(store.find("big").isEmpty());
        assertEquals(List.of(), rowsOf("big"));
    }

    @Test
    void aDeletionStoppedAfterTheMarkHidesTheKey() {
        Stored<ManagedKey> key = keyWithVersions("half", 3);
        keyWithVersions("other", 1);

        store.markDeleting("half", key.etag());

        assertTrue(store.find("half").isEmpty());
        assertEquals(List.of("other"), store.listNames());
        assertThrows(ConcurrentUpdateException.class,
                () -> store.update(key.value().withDeletionAllowed(false, T0), key.etag()), "the mark changed the ETag");
        assertThrows(ConcurrentUpdateException.class,
                () -> store.addVersion(key.value().rotated(T0), key.etag(), fixture.version("half", 4)));
        assertEquals(4, rowsOf("half").size(), "the crash left header and versions in place");
    }

    @Test
    void createOfTheSameNameFinishesAStoppedDeletionAndStartsAtVersionOne() {
        Stored<ManagedKey> old = keyWithVersions("reborn", 3);
        store.markDeleting("reborn", old.etag());

        ManagedKey fresh = new ManagedKey("reborn", KeyType.RSA_4096, 1, 1, false, T0.plusSeconds(100), T0.plusSeconds(100));
        KeyVersion first = fixture.version("reborn", 1);
        Stored<ManagedKey> created = store.create(fresh, first);

        assertEquals(new Stored<>(fresh, created.etag()), store.find("reborn").orElseThrow());
        List<KeyVersion> versions = store.versions("reborn");
        assertEquals(1, versions.size(), "the old versions 2 and 3 are gone");
        assertSameVersion(first, versions.get(0));
        assertEquals(List.of("key", "v|0000000001"), rowsOf("reborn"));
    }

    @Test
    void createFinishesADeletionStoppedBetweenItsTransactions() {
        Stored<ManagedKey> old = keyWithVersions("mid", 120);
        store.markDeleting("mid", old.etag());
        // The first transaction of the deletion went through (versions 1..99), then the process died.
        for (int n = 1; n <= 99; n++) {
            raw.deleteEntity("mid", String.format("v|%010d", n));
        }
        assertEquals(22, rowsOf("mid").size());

        Stored<ManagedKey> created = store.create(key("mid"), fixture.version("mid", 1));

        assertEquals(created, store.find("mid").orElseThrow());
        assertEquals(List.of(1), store.versions("mid").stream().map(KeyVersion::number).toList());
        assertEquals(List.of("key", "v|0000000001"), rowsOf("mid"));
    }

    @Test
    void aRecordTheDomainRefusesIsUnreadableNotABug() {
        keyWithVersions("odd", 1);
        raw.updateEntity(new com.azure.data.tables.models.TableEntity("odd", "key").addProperty("Type", "no-such-type"),
                com.azure.data.tables.models.TableEntityUpdateMode.MERGE);

        io.keymgmt.store.UnreadableRecordException e = assertThrows(io.keymgmt.store.UnreadableRecordException.class,
                () -> store.find("odd"));
        assertTrue(e.getMessage().contains("odd/key cannot be read"), e.getMessage());
    }

    @Test
    void finishingAnInterruptedDeletionRemovesWhatItLeftAndTouchesNothingElse() {
        Stored<ManagedKey> stopped = keyWithVersions("stopped", 3);
        keyWithVersions("alive", 2);
        store.markDeleting("stopped", stopped.etag());

        store.finishInterruptedDeletion("stopped");
        store.finishInterruptedDeletion("alive");
        store.finishInterruptedDeletion("never-existed");

        assertEquals(List.of(), rowsOf("stopped"));
        assertEquals(3, rowsOf("alive").size(), "a key that exists is not a deletion to finish");
        assertEquals(List.of("alive"), store.listNames());
    }

    @Test
    void deleteFinishesAStoppedDeletionWhateverEtagItIsGiven() {
        Stored<ManagedKey> old = keyWithVersions("resume", 2);
        store.markDeleting("resume", old.etag());

        store.delete("resume", old.etag());

        assertEquals(List.of(), rowsOf("resume"));
        assertEquals(List.of(), store.listNames());
    }

    @Test
    void aStaleDeletionCannotRemoveTheVersionsOfAKeyCreatedAnew() {
        Stored<ManagedKey> old = keyWithVersions("contested", 2);
        TableEntity marked = store.markDeleting("contested", old.etag());
        // Another instance finishes the deletion and creates the key anew before this one goes on.
        KeyVersion first = fixture.version("contested", 1);
        Stored<ManagedKey> created = store.create(key("contested"), first);

        assertThrows(ConcurrentUpdateException.class, () -> store.finishDeletion(marked));

        assertEquals(created, store.find("contested").orElseThrow());
        assertSameVersion(first, store.version("contested", 1).orElseThrow());
        assertEquals(List.of("key", "v|0000000001"), rowsOf("contested"));
    }

    @Test
    void twoDeletionsOfOneKeyEndWithTheKeyGone() {
        Stored<ManagedKey> key = keyWithVersions("both", 2);
        TableEntity marked = store.markDeleting("both", key.etag());

        store.finishDeletion(marked);
        // The slower instance finds nothing left to do.
        store.finishDeletion(marked);

        assertEquals(List.of(), rowsOf("both"));
    }
}
