package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.assertSameVersion;
import static io.keymgmt.store.table.StoreFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.models.TableEntity;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key headers and versions; distributions and deletion have their own tests. */
class TableKeyStoreTest {

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private String prefix;
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
        prefix = StoreFixture.prefix("keys");
        store = fixture.tables(prefix).keys();
    }

    @Test
    void createWritesTheHeaderAndVersionOne() {
        ManagedKey key = key("demo");
        KeyVersion first = fixture.version("demo", 1);

        Stored<ManagedKey> created = store.create(key, first);

        assertEquals(key, created.value());
        Stored<ManagedKey> found = store.find("demo").orElseThrow();
        assertEquals(key, found.value());
        assertEquals(1, found.value().latestVersion());
        assertEquals(created.etag(), found.etag(), "create returns the header's ETag");
        assertSameVersion(first, store.version("demo", 1).orElseThrow());
        List<KeyVersion> versions = store.versions("demo");
        assertEquals(1, versions.size());
        assertSameVersion(first, versions.get(0));
        assertTrue(store.version("demo", 2).isEmpty());
        assertTrue(store.version("demo", 0).isEmpty());
    }

    @Test
    void theEtagFromCreateAllowsTheNextUpdate() {
        Stored<ManagedKey> created = store.create(key("chained"), fixture.version("chained", 1));
        ManagedKey allowed = created.value().withDeletionAllowed(true, T0.plusSeconds(1));

        Stored<ManagedKey> updated = store.update(allowed, created.etag());

        assertEquals(allowed, store.find("chained").orElseThrow().value());
        assertEquals(updated.etag(), store.find("chained").orElseThrow().etag());
    }

    @Test
    void creatingAnExistingKeyFailsAndLeavesItUntouched() {
        KeyVersion first = fixture.version("twice", 1);
        Stored<ManagedKey> created = store.create(key("twice"), first);

        ManagedKey other = new ManagedKey("twice", KeyType.RSA_4096, 1, 1, true, T0.plusSeconds(9), T0.plusSeconds(9));
        assertThrows(AlreadyExistsException.class, () -> store.create(other, fixture.version("twice", 1)));

        Stored<ManagedKey> found = store.find("twice").orElseThrow();
        assertEquals(created, found);
        assertSameVersion(first, store.version("twice", 1).orElseThrow());
    }

    @Test
    void createIsAtomicWhenTheVersionRowIsInTheWay() {
        // A stray version row (e.g. written by hand) makes the version insert fail; the header must not
        // be written without it.
        fixture.rawTable(prefix + "keys").createEntity(new TableEntity("stray", "v|0000000001").addProperty("Number", 1));

        assertThrows(AlreadyExistsException.class, () -> store.create(key("stray"), fixture.version("stray", 1)));

        assertTrue(store.find("stray").isEmpty());
        assertEquals(List.of(), store.listNames());
    }

    @Test
    void createRefusesAnythingButVersionOneOfTheSameKey() {
        IllegalArgumentException wrongNumber = assertThrows(IllegalArgumentException.class,
                () -> store.create(key("k"), fixture.version("k", 2)));
        assertTrue(wrongNumber.getMessage().contains("version 1"), wrongNumber.getMessage());
        IllegalArgumentException wrongHeader = assertThrows(IllegalArgumentException.class,
                () -> store.create(key("k").rotated(T0), fixture.version("k", 1)));
        assertTrue(wrongHeader.getMessage().contains("2 versions"), wrongHeader.getMessage());
        IllegalArgumentException otherKey = assertThrows(IllegalArgumentException.class,
                () -> store.create(key("k"), fixture.version("other", 1)));
        assertTrue(otherKey.getMessage().contains("\"other\""), otherKey.getMessage());

        assertTrue(store.find("k").isEmpty());
        assertTrue(store.versions("other").isEmpty());
    }

    @Test
    void updateWithTheCurrentEtagWinsAndAStaleEtagLoses() {
        Stored<ManagedKey> created = store.create(key("upd"), fixture.version("upd", 1));
        ManagedKey allowed = created.value().withDeletionAllowed(true, T0.plusSeconds(1));
        Stored<ManagedKey> updated = store.update(allowed, created.etag());
        assertNotEquals(created.etag(), updated.etag());

        ManagedKey lost = created.value().withDeletionAllowed(false, T0.plusSeconds(2));
        assertThrows(ConcurrentUpdateException.class, () -> store.update(lost, created.etag()));

        assertEquals(new Stored<>(allowed, updated.etag()), store.find("upd").orElseThrow());
    }

    @Test
    void updateOfAMissingKeyIsALostRaceAndCreatesNothing() {
        Stored<ManagedKey> created = store.create(key("there"), fixture.version("there", 1));
        ManagedKey ghost = key("ghost");

        assertThrows(ConcurrentUpdateException.class, () -> store.update(ghost, created.etag()));
        assertTrue(store.find("ghost").isEmpty());
    }

    @Test
    void addVersionWritesTheVersionAndTheHeaderThatCountsIt() {
        Stored<ManagedKey> created = store.create(key("rot"), fixture.version("rot", 1));
        ManagedKey rotated = created.value().rotated(T0.plusSeconds(10));
        KeyVersion second = fixture.version("rot", 2);

        Stored<ManagedKey> stored = store.addVersion(rotated, created.etag(), second);

        assertEquals(rotated, stored.value());
        assertEquals(new Stored<>(rotated, stored.etag()), store.find("rot").orElseThrow());
        assertSameVersion(second, store.version("rot", 2).orElseThrow());
        assertEquals(List.of(1, 2), numbers(store.versions("rot")));
    }

    @Test
    void addVersionWithAStaleEtagLeavesNoVersionBehind() {
        Stored<ManagedKey> created = store.create(key("stale"), fixture.version("stale", 1));
        Stored<ManagedKey> updated = store.update(created.value().withDeletionAllowed(true, T0), created.etag());

        ManagedKey rotated = created.value().rotated(T0.plusSeconds(10));
        assertThrows(ConcurrentUpdateException.class,
                () -> store.addVersion(rotated, created.etag(), fixture.version("stale", 2)));

        assertTrue(store.version("stale", 2).isEmpty(), "the version row must roll back with the header");
        assertEquals(List.of(1), numbers(store.versions("stale")));
        assertEquals(updated, store.find("stale").orElseThrow());
    }

    @Test
    void addVersionLosesToAConcurrentRotation() {
        Stored<ManagedKey> created = store.create(key("race"), fixture.version("race", 1));
        ManagedKey rotated = created.value().rotated(T0.plusSeconds(10));
        KeyVersion winner = fixture.version("race", 2);
        store.addVersion(rotated, created.etag(), winner);

        assertThrows(ConcurrentUpdateException.class,
                () -> store.addVersion(rotated, created.etag(), fixture.version("race", 2)));

        assertSameVersion(winner, store.version("race", 2).orElseThrow());
    }

    @Test
    void addVersionRefusesANumberThatIsNotTheRotatedHeadersLatest() {
        Stored<ManagedKey> created = store.create(key("num"), fixture.version("num", 1));
        ManagedKey rotated = created.value().rotated(T0.plusSeconds(10));

        for (int wrong : new int[] {1, 3}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> store.addVersion(rotated, created.etag(), fixture.version("num", wrong)));
            assertTrue(refused.getMessage().contains("version " + wrong + " is not the key's latest (2)"),
                    refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> store.addVersion(rotated, created.etag(), fixture.version("other", 2)));

        assertEquals(created, store.find("num").orElseThrow(), "a refused version changes nothing");
        assertEquals(List.of(1), numbers(store.versions("num")));
    }

    @Test
    void versionsAreListedInNumericOrderPastNineAndTen() {
        List<KeyVersion> written = new ArrayList<>();
        written.add(fixture.version("many", 1));
        Stored<ManagedKey> current = store.create(key("many"), written.get(0));
        for (int n = 2; n <= 12; n++) {
            KeyVersion v = fixture.version("many", n);
            written.add(v);
            current = store.addVersion(current.value().rotated(T0.plusSeconds(n)), current.etag(), v);
        }

        List<KeyVersion> read = store.versions("many");
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), numbers(read));
        for (int i = 0; i < written.size(); i++) {
            assertSameVersion(written.get(i), read.get(i));
        }
        assertSameVersion(written.get(9), store.version("many", 10).orElseThrow());
        assertEquals(12, store.find("many").orElseThrow().value().latestVersion());
    }

    @Test
    void versionsAndHeadersStayWithTheirKeyWhenNamesSharePrefixes() {
        List<String> names = List.of("a", "a-b", "ab", "a.b", "a_b", "b");
        for (String name : names) {
            store.create(key(name), fixture.version(name, 1));
        }
        Stored<ManagedKey> a = store.find("a").orElseThrow();
        store.addVersion(a.value().rotated(T0), a.etag(), fixture.version("a", 2));
        store.addDistribution(store.find("a").orElseThrow().value(), store.find("a").orElseThrow().etag(),
                StoreFixture.distribution("a", "p"));

        assertEquals(List.of("a", "a-b", "a.b", "a_b", "ab", "b"), store.listNames());
        assertEquals(List.of(1, 2), numbers(store.versions("a")), "distributions are not versions");
        for (String name : names.subList(1, names.size())) {
            List<KeyVersion> versions = store.versions(name);
            assertEquals(1, versions.size(), name);
            assertEquals(name, versions.get(0).keyName());
        }
    }

    @Test
    void headerFieldsRoundTripExactly() {
        ManagedKey key = new ManagedKey("fields", KeyType.RSA_4096, 1, 1, true,
                Instant.parse("2024-02-29T23:59:59.999999Z"), Instant.parse("2025-01-01T00:00:00Z"));
        store.create(key, fixture.version("fields", 1));
        Stored<ManagedKey> stored = store.find("fields").orElseThrow();
        assertEquals(key, stored.value());

        Stored<ManagedKey> current = stored;
        for (int n = 2; n <= 4; n++) {
            current = store.addVersion(current.value().rotated(T0), current.etag(), fixture.version("fields", n));
        }
        ManagedKey minimum = current.value().withMinEnabledVersion(3, Instant.parse("2025-06-07T08:09:10.000001Z"));
        store.update(minimum, current.etag());

        ManagedKey found = store.find("fields").orElseThrow().value();
        assertEquals(minimum, found);
        assertEquals(4, found.latestVersion());
        assertEquals(3, found.minEnabledVersion());
        assertTrue(found.deletionAllowed());
        assertEquals(KeyType.RSA_4096, found.type());
    }

    @Test
    void timesAreKeptToTheMicrosecond() {
        Instant micros = Instant.parse("2025-03-04T05:06:07.123456Z");
        Instant nanos = Instant.parse("2025-03-04T05:06:07.987654321Z");
        ManagedKey key = new ManagedKey("times", KeyType.RSA_2048, 1, 1, false, micros, nanos);
        KeyVersion first = new KeyVersion("times", 1, Instant.parse("1999-12-31T23:59:59.000001Z"),
                StoreFixture.publicKeyPem("times", 1), fixture.sealedPrivateKey("times", 1));

        Stored<ManagedKey> created = store.create(key, first);

        ManagedKey expected = new ManagedKey("times", KeyType.RSA_2048, 1, 1, false, micros,
                Instant.parse("2025-03-04T05:06:07.987654Z"));
        assertEquals(expected, created.value(), "create returns the stored form");
        assertEquals(expected, store.find("times").orElseThrow().value());
        assertEquals(Instant.parse("1999-12-31T23:59:59.000001Z"), store.version("times", 1).orElseThrow().createdAt());
    }

    @Test
    void versionRowsKeepTheirPemTextAndSealedBlobExactly() {
        KeyVersion first = new KeyVersion("pem", 1, T0, "-----BEGIN PUBLIC KEY-----\r\nMIIB\u00e9\n\n-----END PUBLIC KEY-----\n",
                fixture.sealedPrivateKey("pem", 1));
        store.create(key("pem"), first);

        assertSameVersion(first, store.version("pem", 1).orElseThrow());
    }

    @Test
    void listNamesIsSortedAndEmptyWhenThereAreNoKeys() {
        assertEquals(List.of(), store.listNames());
        assertTrue(store.find("nothing").isEmpty());
        assertEquals(List.of(), store.versions("nothing"));

        for (String name : List.of("zz", "Key.2", "key-1", "key_1", "0")) {
            store.create(key(name), fixture.version(name, 1));
        }
        assertEquals(List.of("0", "Key.2", "key-1", "key_1", "zz"), store.listNames());
    }

    private static List<Integer> numbers(List<KeyVersion> versions) {
        return versions.stream().map(KeyVersion::number).toList();
    }
}
