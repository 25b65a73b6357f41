package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.assertSameProvider;
import static io.keymgmt.store.table.StoreFixture.assertSameVersion;
import static io.keymgmt.store.table.StoreFixture.distribution;
import static io.keymgmt.store.table.StoreFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names end up in partition keys, row keys and OData filters. The engine allows letters, digits, '.',
 * '_' and '-'; a quote is not allowed, but the adapters must still keep such a name to itself (the
 * filters double quotes, the SDK escapes them in entity addresses), including a name written as an
 * attempt to widen a filter.
 */
class TableStoreNamesTest {

    private static final String NEIGHBOUR = "x";

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableStorage tables;

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
        tables = fixture.freshTables("names");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b_c-d", "-._", "o'brien", "'", "''", "x' or PartitionKey ne 'x", "x' or RowKey gt '"})
    void aKeyNameStaysWithItsOwnRows(String name) {
        TableKeyStore keys = tables.keys();
        Stored<ManagedKey> neighbour = keys.create(key(NEIGHBOUR), fixture.version(NEIGHBOUR, 1));
        keys.addDistribution(neighbour.value(), neighbour.etag(), distribution(NEIGHBOUR, "p"));

        KeyVersion first = fixture.version(name, 1);
        Stored<ManagedKey> created = keys.create(key(name).withDeletionAllowed(true, T0), first);
        KeyVersion second = fixture.version(name, 2);
        Stored<ManagedKey> rotated = keys.addVersion(created.value().rotated(T0), created.etag(), second);

        assertEquals(rotated, keys.find(name).orElseThrow());
        List<KeyVersion> versions = keys.versions(name);
        assertEquals(2, versions.size());
        assertSameVersion(first, versions.get(0));
        assertSameVersion(second, versions.get(1));
        assertSameVersion(second, keys.version(name, 2).orElseThrow());
        assertEquals(List.of(name, NEIGHBOUR).stream().sorted().toList(), keys.listNames());

        String provider = name + "-provider";
        Stored<Distribution> d = keys.addDistribution(rotated.value(), rotated.etag(), distribution(name, provider));
        assertEquals(List.of(d), keys.distributions(name));
        Stored<Distribution> active = keys.updateDistribution(d.value().withState(DistributionState.ACTIVE, T0), d.etag());
        assertEquals(active, keys.distribution(name, provider).orElseThrow());
        keys.deleteDistribution(name, provider, active.etag());
        assertEquals(List.of(), keys.distributions(name));

        keys.delete(name, keys.find(name).orElseThrow().etag());
        assertTrue(keys.find(name).isEmpty());
        assertEquals(List.of(), keys.versions(name));
        assertEquals(List.of(NEIGHBOUR), keys.listNames());
        assertEquals(1, keys.versions(NEIGHBOUR).size(), "the neighbour keeps its version");
        assertEquals(1, keys.distributions(NEIGHBOUR).size(), "the neighbour keeps its distribution");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b_c-d", "-._", "o'brien", "'", "''", "x' or PartitionKey ne 'x", "x' or RowKey gt '"})
    void aProviderNameStaysWithItsOwnRows(String name) {
        TableProviderStore providers = tables.providers();
        providers.create(fixture.provider(NEIGHBOUR));
        providers.addMember(NEIGHBOUR, "neighbours-key");

        KmsProvider provider = fixture.provider(name);
        Stored<KmsProvider> created = providers.create(provider);
        assertSameProvider(provider, providers.find(name).orElseThrow().value());
        assertEquals(List.of(name, NEIGHBOUR).stream().sorted().toList(), providers.listNames());

        Stored<KmsProvider> replaced = providers.replace(created.value().withKeyExchangeKeyId("kid", T0), created.etag());
        String member = name + "'s key";
        providers.addMember(name, member);
        Stored<KmsProvider> withMember = providers.find(name).orElseThrow();
        assertEquals(List.of(member), providers.memberKeys(name));
        providers.removeMember(name, member);
        assertEquals(List.of(), providers.memberKeys(name));

        providers.delete(name, withMember.etag());
        assertTrue(providers.find(name).isEmpty());
        assertEquals(List.of(NEIGHBOUR), providers.listNames());
        assertEquals(List.of("neighbours-key"), providers.memberKeys(NEIGHBOUR));
    }
}
