package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.assertSameProvider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableProviderStoreTest {

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableProviderStore store;
    private String prefix;

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
        prefix = StoreFixture.prefix("providers");
        store = fixture.tables(prefix).providers();
    }

    @Test
    void createdProviderIsFoundWithTheSameValuesAndEtag() {
        KmsProvider provider = fixture.provider("azure-prod");
        Stored<KmsProvider> created = store.create(provider);

        Stored<KmsProvider> found = store.find("azure-prod").orElseThrow();
        assertSameProvider(provider, found.value());
        assertEquals(created.etag(), found.etag());
        assertTrue(store.find("azure-pro").isEmpty(), "a prefix of the name is another provider");
    }

    @Test
    void sealedCredentialsAndKeyExchangeKeyIdRoundTripExactly() {
        String kid = "https://vault-one.vault.azure.net/keys/keymgmt-kek/0123456789abcdef0123456789abcdef";
        KmsProvider provider = fixture.provider("one").withKeyExchangeKeyId(kid, Instant.parse("2025-12-31T23:59:59.999999Z"));
        store.create(provider);

        KmsProvider found = store.find("one").orElseThrow().value();
        assertSameProvider(provider, found);
        assertEquals(Optional.of(kid), found.keyExchangeKeyId());
        assertEquals(Instant.parse("2025-12-31T23:59:59.999999Z"), found.updatedAt());
    }

    @Test
    void providerWithoutCredentialsOrKeyExchangeKeyReadsBackWithoutThem() {
        KmsProvider bare = fixture.provider("bare").withCredentials(Optional.empty(), T0);
        store.create(bare);

        KmsProvider found = store.find("bare").orElseThrow().value();
        assertTrue(found.sealedCredentials().isEmpty());
        assertTrue(found.keyExchangeKeyId().isEmpty());
        assertSameProvider(bare, found);
    }

    @Test
    void creatingAnExistingProviderFailsAndKeepsTheFirst() {
        KmsProvider first = fixture.provider("twice");
        Stored<KmsProvider> stored = store.create(first);

        assertThrows(AlreadyExistsException.class, () -> store.create(fixture.provider("twice")));
        Stored<KmsProvider> found = store.find("twice").orElseThrow();
        assertSameProvider(first, found.value());
        assertEquals(stored.etag(), found.etag());
    }

    @Test
    void namesAreListedInAscendingOrderWithoutMembersOrDuplicates() {
        for (String name : List.of("zeta", "alpha", "a.b", "a_b", "a-b", "A", "0-first")) {
            store.create(fixture.provider(name));
        }
        store.addMember("alpha", "some-key");

        assertEquals(List.of("0-first", "A", "a-b", "a.b", "a_b", "alpha", "zeta"), store.listNames());
    }

    @Test
    void listOfAnEmptyTableIsEmpty() {
        assertEquals(List.of(), store.listNames());
        assertTrue(store.find("nothing").isEmpty());
        assertEquals(List.of(), store.memberKeys("nothing"));
    }

    @Test
    void replaceWithTheCurrentEtagWinsAndAStaleEtagLoses() {
        Stored<KmsProvider> created = store.create(fixture.provider("rotating"));
        KmsProvider renewed = created.value().withCredentials(Optional.of(fixture.sealedCredentials("rotating")),
                T0.plusSeconds(60));

        Stored<KmsProvider> replaced = store.replace(renewed, created.etag());
        assertNotEquals(created.etag(), replaced.etag());
        Stored<KmsProvider> found = store.find("rotating").orElseThrow();
        assertSameProvider(renewed, found.value());
        assertEquals(replaced.etag(), found.etag());

        KmsProvider lost = created.value().withCredentials(Optional.empty(), T0.plusSeconds(61));
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(lost, created.etag()));
        assertSameProvider(renewed, store.find("rotating").orElseThrow().value());
    }

    @Test
    void replaceCanDropCredentials() {
        Stored<KmsProvider> created = store.create(fixture.provider("dropping"));
        KmsProvider without = created.value().withCredentials(Optional.empty(), T0.plusSeconds(1));

        store.replace(without, created.etag());

        assertTrue(store.find("dropping").orElseThrow().value().sealedCredentials().isEmpty());
    }

    @Test
    void replaceOfADeletedProviderIsALostRace() {
        Stored<KmsProvider> created = store.create(fixture.provider("gone"));
        store.delete("gone", created.etag());

        assertThrows(ConcurrentUpdateException.class, () -> store.replace(created.value(), created.etag()));
        assertTrue(store.find("gone").isEmpty(), "replace must not recreate a deleted provider");
    }

    @Test
    void deleteWithTheCurrentEtagRemovesTheProvider() {
        Stored<KmsProvider> created = store.create(fixture.provider("short-lived"));
        store.create(fixture.provider("short-lived-2"));

        store.delete("short-lived", created.etag());

        assertTrue(store.find("short-lived").isEmpty());
        assertEquals(List.of("short-lived-2"), store.listNames());
    }

    @Test
    void deletingAProviderThatIsAlreadyGoneSucceeds() {
        Stored<KmsProvider> created = store.create(fixture.provider("twice-deleted"));
        store.delete("twice-deleted", created.etag());

        store.delete("twice-deleted", created.etag());

        assertTrue(store.find("twice-deleted").isEmpty());
    }

    @Test
    void deleteWithAStaleEtagFailsAndKeepsTheProvider() {
        Stored<KmsProvider> created = store.create(fixture.provider("kept"));
        Stored<KmsProvider> replaced = store.replace(created.value().withKeyExchangeKeyId("kid", T0), created.etag());

        assertThrows(ConcurrentUpdateException.class, () -> store.delete("kept", created.etag()));
        assertEquals(replaced.etag(), store.find("kept").orElseThrow().etag());
    }

    @Test
    void deleteIsRefusedWhileKeysAreMembersAndTakesItsMarkBack() {
        store.create(fixture.provider("busy"));
        store.addMember("busy", "k1");
        Stored<KmsProvider> current = store.find("busy").orElseThrow();

        StillReferencedException refused = assertThrows(StillReferencedException.class,
                () -> store.delete("busy", current.etag()));
        assertTrue(refused.getMessage().contains("busy"), refused.getMessage());
        assertTrue(store.find("busy").isPresent());
        assertTrue(store.acceptsMembers("busy"), "the refused deletion took its mark back");

        store.removeMember("busy", "k1");
        store.delete("busy", store.find("busy").orElseThrow().etag());
        assertTrue(store.find("busy").isEmpty());
        assertFalse(store.acceptsMembers("busy"), "a provider that is gone takes no members");
    }

    @Test
    void aMemberWritesOnlyItsOwnRecordSoParallelKeysNeverContend() throws Exception {
        Stored<KmsProvider> before = store.create(fixture.provider("wide"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var joined = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 40; i++) {
                String key = "k" + i;
                joined.add(pool.submit(() -> store.addMember("wide", key)));
            }
            for (var f : joined) {
                f.get(); // a lost race would surface here as a ConcurrentUpdateException
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, store.memberKeys("wide").size());
        assertEquals(before.etag(), store.find("wide").orElseThrow().etag(), "the provider itself was not written");
    }

    @Test
    void aDeletionStoppedAfterItsMarkKeepsKeysOutAndIsFinishedByTheNextDeletion() {
        Stored<KmsProvider> created = store.create(fixture.provider("halfway"));
        // The mark as a deletion writes it, then a crash before it looks for members.
        fixture.rawTable(prefix + "providers").updateEntity(new com.azure.data.tables.models.TableEntity("halfway",
                TableProviderStore.PROVIDER_ROW).addProperty("Deleting", true),
                com.azure.data.tables.models.TableEntityUpdateMode.MERGE);

        assertFalse(store.acceptsMembers("halfway"), "a distribution that checks now backs out");
        assertTrue(store.find("halfway").isPresent(), "reads still see it");
        assertThrows(ConcurrentUpdateException.class, () -> store.delete("halfway", created.etag()), "the mark changed it");
        store.delete("halfway", store.find("halfway").orElseThrow().etag());
        assertTrue(store.find("halfway").isEmpty());
    }

    @Test
    void addMemberIsIdempotent() {
        store.create(fixture.provider("idem"));
        store.addMember("idem", "k");
        store.addMember("idem", "k");

        assertEquals(List.of("k"), store.memberKeys("idem"));
    }

    @Test
    void removeMemberIsIdempotentAndLeavesOtherMembers() {
        Stored<KmsProvider> p = store.create(fixture.provider("members"));
        store.addMember(p.value().name(), "a");
        store.addMember(p.value().name(), "b");

        store.removeMember("members", "a");
        store.removeMember("members", "a");
        store.removeMember("members", "never-added");
        store.removeMember("no-such-provider", "a");

        assertEquals(List.of("b"), store.memberKeys("members"));
        assertTrue(store.find("members").isPresent());
    }

    @Test
    void memberKeysAreSortedAndExactForNamesSharingPrefixes() {
        Stored<KmsProvider> p = store.create(fixture.provider("shared"));
        for (String key : List.of("ab", "a-b", "a", "a.b", "a_b", "b", "A")) {
            store.addMember(p.value().name(), key);
        }
        store.create(fixture.provider("shared2"));
        store.addMember("shared2", "other");
        store.create(fixture.provider("share"));
        store.addMember("share", "elsewhere");

        assertEquals(List.of("A", "a", "a-b", "a.b", "a_b", "ab", "b"), store.memberKeys("shared"));
        assertEquals(List.of("other"), store.memberKeys("shared2"));
        assertEquals(List.of("elsewhere"), store.memberKeys("share"));

        store.removeMember("shared", "a");
        assertEquals(List.of("A", "a-b", "a.b", "a_b", "ab", "b"), store.memberKeys("shared"));
    }
}
