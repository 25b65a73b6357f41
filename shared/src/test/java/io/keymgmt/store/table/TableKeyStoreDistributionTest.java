package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.distribution;
import static io.keymgmt.store.table.StoreFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keys.Protection;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableKeyStoreDistributionTest {

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableKeyStore store;

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
        store = fixture.freshTables("dist").keys();
    }

    private Stored<ManagedKey> createKey(String name) {
        return store.create(key(name), fixture.version(name, 1));
    }

    @Test
    void addedDistributionIsFoundAndListedWithItsEtag() {
        Stored<ManagedKey> key = createKey("k");
        Distribution d = distribution("k", "azure-prod");

        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), d);

        assertEquals(d, added.value());
        assertEquals(added, store.distribution("k", "azure-prod").orElseThrow());
        assertEquals(List.of(added), store.distributions("k"));
        assertTrue(store.distribution("k", "azure-pro").isEmpty());
        assertTrue(store.distribution("other", "azure-prod").isEmpty());
    }

    @Test
    void addDistributionRewritesTheHeaderSoAnOlderEtagNoLongerDeletes() {
        Stored<ManagedKey> before = createKey("k");
        Stored<Distribution> added = store.addDistribution(before.value(), before.etag(), distribution("k", "p"));
        Stored<ManagedKey> after = store.find("k").orElseThrow();
        assertNotEquals(before.etag(), after.etag());
        assertEquals(before.value(), after.value(), "the header's content is what the caller gave");

        // Even once the distribution is gone again, a deletion that read the key before it was
        // recorded must not go through.
        store.deleteDistribution("k", "p", added.etag());
        assertThrows(ConcurrentUpdateException.class, () -> store.delete("k", before.etag()));
        assertThrows(ConcurrentUpdateException.class,
                () -> store.update(before.value().withDeletionAllowed(true, T0), before.etag()));
        assertEquals(after, store.find("k").orElseThrow());
    }

    @Test
    void addDistributionWithAStaleKeyEtagRecordsNothing() {
        Stored<ManagedKey> before = createKey("k");
        store.update(before.value().withDeletionAllowed(true, T0), before.etag());

        assertThrows(ConcurrentUpdateException.class,
                () -> store.addDistribution(before.value(), before.etag(), distribution("k", "p")));

        assertTrue(store.distribution("k", "p").isEmpty());
        assertEquals(List.of(), store.distributions("k"));
        assertTrue(store.find("k").orElseThrow().value().deletionAllowed(), "the header keeps the newer value");
    }

    @Test
    void addDistributionTwiceForOneProviderFailsAndKeepsTheFirst() {
        Stored<ManagedKey> key = createKey("k");
        Stored<Distribution> first = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        Stored<ManagedKey> current = store.find("k").orElseThrow();

        Distribution second = Distribution.started("k", "p", "another-name", Set.of(KeyPurpose.SIGN),
                Protection.SOFTWARE, T0.plusSeconds(5));
        assertThrows(AlreadyExistsException.class, () -> store.addDistribution(current.value(), current.etag(), second));

        assertEquals(first, store.distribution("k", "p").orElseThrow());
        assertEquals(current, store.find("k").orElseThrow(), "the failed transaction leaves the header as it was");
    }

    @Test
    void addDistributionToAMissingKeyRecordsNothing() {
        Stored<ManagedKey> other = createKey("other");

        assertThrows(ConcurrentUpdateException.class,
                () -> store.addDistribution(key("missing"), other.etag(), distribution("missing", "p")));

        assertTrue(store.find("missing").isEmpty());
        assertTrue(store.distribution("missing", "p").isEmpty());
    }

    @Test
    void addDistributionRefusesADistributionOfAnotherKey() {
        Stored<ManagedKey> key = createKey("k");

        assertThrows(IllegalArgumentException.class,
                () -> store.addDistribution(key.value(), key.etag(), distribution("other", "p")));
        assertEquals(key, store.find("k").orElseThrow());
    }

    @Test
    void distributionsToSeveralProvidersAreKeptApart() {
        Stored<ManagedKey> key = createKey("k");
        for (String provider : List.of("p-b", "p", "p.a", "pa")) {
            Stored<ManagedKey> current = store.find("k").orElseThrow();
            store.addDistribution(current.value(), current.etag(), distribution("k", provider));
        }

        List<String> providers = store.distributions("k").stream().map(d -> d.value().providerName()).toList();
        assertEquals(List.of("p", "p-b", "p.a", "pa"), providers);
        assertEquals("pa", store.distribution("k", "pa").orElseThrow().value().providerName());
        assertEquals(key.value(), store.find("k").orElseThrow().value());
    }

    @Test
    void updateDistributionWithTheCurrentEtagWinsAndAStaleEtagLoses() {
        Stored<ManagedKey> key = createKey("k");
        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        Distribution active = added.value().withImportedVersion(1, "0123456789abcdef0123456789abcdef", T0.plusSeconds(1))
                .withState(DistributionState.ACTIVE, T0.plusSeconds(2));

        Stored<Distribution> updated = store.updateDistribution(active, added.etag());
        assertNotEquals(added.etag(), updated.etag());
        assertEquals(updated, store.distribution("k", "p").orElseThrow());

        Distribution lost = added.value().withLastError(Optional.of("late"), T0.plusSeconds(3));
        assertThrows(ConcurrentUpdateException.class, () -> store.updateDistribution(lost, added.etag()));
        assertEquals(updated, store.distribution("k", "p").orElseThrow());
    }

    @Test
    void updateOfARemovedDistributionIsALostRaceAndDoesNotRecreateIt() {
        Stored<ManagedKey> key = createKey("k");
        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        store.deleteDistribution("k", "p", added.etag());

        assertThrows(ConcurrentUpdateException.class,
                () -> store.updateDistribution(added.value().withState(DistributionState.ACTIVE, T0), added.etag()));
        assertTrue(store.distribution("k", "p").isEmpty());
    }

    @Test
    void deleteDistributionNeedsTheCurrentEtag() {
        Stored<ManagedKey> key = createKey("k");
        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        Stored<Distribution> removing = store.updateDistribution(
                added.value().withState(DistributionState.REMOVING, T0.plusSeconds(1)), added.etag());

        assertThrows(ConcurrentUpdateException.class, () -> store.deleteDistribution("k", "p", added.etag()));
        assertEquals(removing, store.distribution("k", "p").orElseThrow());

        store.deleteDistribution("k", "p", removing.etag());
        assertTrue(store.distribution("k", "p").isEmpty());
        assertEquals(List.of(), store.distributions("k"));
        // Gone is what the caller wanted: a repeated deletion succeeds (the SDK reports a 404 on delete as success).
        store.deleteDistribution("k", "p", removing.etag());
        assertTrue(store.distribution("k", "p").isEmpty());
    }

    @Test
    void everyFieldRoundTripsExactly() {
        Stored<ManagedKey> key = createKey("k");
        LinkedHashSet<KeyPurpose> purposes = new LinkedHashSet<>(List.of(KeyPurpose.UNWRAP, KeyPurpose.ENCRYPT,
                KeyPurpose.VERIFY, KeyPurpose.WRAP));
        TreeMap<Integer, String> azureVersions = new TreeMap<>();
        azureVersions.put(1, "00000000000000000000000000000001");
        azureVersions.put(2, "abcdefabcdefabcdefabcdefabcdef02");
        azureVersions.put(10, "ffffffffffffffffffffffffffffff10");
        Distribution d = new Distribution("k", "p", "k-1741064767", purposes, Protection.SOFTWARE, azureVersions,
                DistributionState.ACTIVE, 2,
                Optional.of("Azure Key Vault refused the import: \"Forbidden\", key_ops=wrapKey,unwrapKey; retry: 1\nline 2"),
                Instant.parse("2025-03-04T05:06:07.000001Z"), Instant.parse("2025-03-04T05:06:08.999999Z"));

        store.addDistribution(key.value(), key.etag(), d);

        Distribution found = store.distribution("k", "p").orElseThrow().value();
        assertEquals(d, found);
        assertEquals(List.of(KeyPurpose.UNWRAP, KeyPurpose.ENCRYPT, KeyPurpose.VERIFY, KeyPurpose.WRAP),
                List.copyOf(found.purposes()), "purposes keep their order");
        assertEquals(azureVersions, found.azureVersions());
        assertEquals(List.of(1, 2, 10), List.copyOf(found.azureVersions().keySet()));
        assertEquals(d.lastError(), found.lastError());
    }

    @Test
    void anEmptyVersionMapAndNoLastErrorRoundTrip() {
        Stored<ManagedKey> key = createKey("k");
        Distribution started = distribution("k", "p");
        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), started);

        Distribution found = store.distribution("k", "p").orElseThrow().value();
        assertTrue(found.azureVersions().isEmpty());
        assertTrue(found.lastError().isEmpty());
        assertEquals(started, found);

        // A last error, once cleared, reads back as absent rather than as an empty text.
        Stored<Distribution> failed = store.updateDistribution(started.withLastError(Optional.of("boom"), T0), added.etag());
        store.updateDistribution(failed.value().withLastError(Optional.empty(), T0), failed.etag());
        assertEquals(Optional.empty(), store.distribution("k", "p").orElseThrow().value().lastError());
    }

    @Test
    void everyStateRoundTrips() {
        Stored<ManagedKey> key = createKey("k");
        Stored<Distribution> current = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        for (DistributionState state : DistributionState.values()) {
            Distribution next = current.value().withState(state, T0.plusSeconds(state.ordinal()))
                    .withAppliedMinEnabledVersion(state.ordinal() + 1, T0);
            current = store.updateDistribution(next, current.etag());

            Distribution found = store.distribution("k", "p").orElseThrow().value();
            assertEquals(state, found.state());
            assertEquals(state.ordinal() + 1, found.appliedMinEnabledVersion());
            assertEquals(next, found);
        }
    }
}
