package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore.Call;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deletion guard: deletion_allowed, no distribution left, races with a distribution, resumable deletion. */
class KeyDeletionTest {

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aKeyIsNotDeletedUntilDeletionIsAllowed() {
        f.seedKey("k", 2);

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.keys().delete("k"));

        assertEquals("deletion is not allowed for key \"k\": set deletion_allowed=true first", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.DELETE));
        assertEquals(2, f.storedVersions("k").size());
    }

    @Test
    void anAllowedKeyInNoVaultIsDeletedWithEveryVersion() {
        f.seedKey("k", 3, 1, true);

        f.keys().delete("k");

        assertFalse(f.keyStore.holdsAnythingOf("k"), "header and versions are gone");
        assertEquals(List.of(), f.keys().list());
        assertFault(Fault.NOT_FOUND, () -> f.keys().read("k"));
    }

    @Test
    void aKeyStillDistributedIsNotDeletedAndTheMessageNamesEveryProvider() {
        f.seedKey("k", 1, 1, true);
        f.provider("p2");
        f.provider("p1");
        f.distribute("p2", "k", "encrypt", "software");
        f.distribute("p1", "k", "encrypt", "software");

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.keys().delete("k"));

        assertEquals("key \"k\" is still distributed to p1, p2: remove it from each with DELETE kms/<provider>/key/k"
                + " first", e.getMessage());
        assertEquals(0, f.keyStore.calls().count(Call.DELETE));
        assertTrue(f.findKey("k").isPresent());
    }

    @Test
    void aKeyCanBeDeletedOnceItIsRemovedFromEveryVault() {
        f.seedKey("k", 1, 1, true);
        f.provider("p");
        f.distribute("p", "k", "encrypt", "software");
        f.distributions().remove("p", "k");

        f.keys().delete("k");

        assertFalse(f.keyStore.holdsAnythingOf("k"));
    }

    @Test
    void deletingAMissingKeySucceeds() {
        f.keys().delete("never-was");

        assertFalse(f.keyStore.holdsAnythingOf("never-was"));
    }

    @Test
    void aDistributionThatStartsBetweenTheCheckAndTheDeleteIsReportedAsStillDistributed() {
        f.seedKey("k", 1, 1, true);
        f.provider("p");
        f.keyStore.calls().beforeNext(Call.DELETE, f.meanwhile(() -> f.anotherInstance().distributions()
                .distribute("p", "k", params("purpose", "encrypt", "protection", "software"))));

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.keys().delete("k"));

        assertTrue(e.getMessage().startsWith("key \"k\" is still distributed to p:"), e.getMessage());
        assertEquals(1, f.keyStore.calls().count(Call.DELETE), "the store refused the first deletion");
        assertEquals(2, f.keyStore.calls().count(Call.DISTRIBUTIONS), "the retry read the distributions again");
        assertTrue(f.findKey("k").isPresent());
        assertTrue(f.storedDistribution("p", "k").isPresent());
    }

    @Test
    void aStillReferencedRefusalThatOutlivesEveryRetryIsAConflict() {
        f.seedKey("k", 1, 1, true);
        f.keyStore.calls().failNext(Call.DELETE, 5,
                () -> new StillReferencedException("key \"k\" is still distributed to p"));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.keys().delete("k"));

        assertEquals("key \"k\" is being changed by other requests; retry", e.getMessage());
        assertEquals(5, f.keyStore.calls().count(Call.DELETE));
    }

    @Test
    void aDeletionThatLosesARaceIsRetried() {
        f.seedKey("k", 2, 1, true);
        f.keyStore.calls().beforeNext(Call.DELETE, f.meanwhile(() -> {
            Stored<ManagedKey> theirs = f.keyStore.find("k").orElseThrow();
            f.keyStore.update(theirs.value().withMinEnabledVersion(2, f.clock.instant()), theirs.etag());
        }));

        f.keys().delete("k");

        assertEquals(2, f.keyStore.calls().count(Call.DELETE));
        assertFalse(f.keyStore.holdsAnythingOf("k"));
    }

    @Test
    void aDeletionThatMeetsDeletionBeingForbiddenMeanwhileIsRefused() {
        f.seedKey("k", 1, 1, true);
        f.keyStore.calls().beforeNext(Call.DELETE, f.meanwhile(() -> {
            Stored<ManagedKey> theirs = f.keyStore.find("k").orElseThrow();
            f.keyStore.update(theirs.value().withDeletionAllowed(false, f.clock.instant()), theirs.etag());
        }));

        KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> f.keys().delete("k"));

        assertTrue(e.getMessage().startsWith("deletion is not allowed for key \"k\""), e.getMessage());
        assertTrue(f.findKey("k").isPresent());
    }

    @Test
    void aDeletionThatLosesFiveRacesIsAConflict() {
        f.seedKey("k", 1, 1, true);
        f.keyStore.calls().failNext(Call.DELETE, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.keys().delete("k"));

        assertEquals("key \"k\" is being changed by other requests; retry", e.getMessage());
        assertEquals(5, f.keyStore.calls().count(Call.DELETE));
        assertTrue(f.findKey("k").isPresent());
    }

    @Test
    void anInterruptedDeletionHidesTheKey() {
        f.seedKey("k", 3, 1, true);
        f.keyStore.interruptNextDeletion();

        KeyManagementException e = assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().delete("k"));

        assertTrue(e.getMessage().contains("retry later"), e.getMessage());
        assertTrue(f.keyStore.isMarkedDeleting("k"));
        assertFault(Fault.NOT_FOUND, () -> f.keys().read("k"));
        assertEquals(List.of(), f.keys().list());
    }

    @Test
    void anInterruptedDeletionIsFinishedByRepeatingIt() {
        f.seedKey("k", 3, 1, true);
        f.keyStore.interruptNextDeletion();
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().delete("k"));
        assertEquals(3, f.keyStore.versionRows("k"), "the sealed versions are still stored");

        f.keys().delete("k");

        assertFalse(f.keyStore.holdsAnythingOf("k"), "the repeated delete removed the sealed versions too");
    }

    @Test
    void anInterruptedDeletionIsFinishedByCreatingTheKeyAgain() {
        f.seedKey("k", 3, 1, true);
        BigInteger old = f.modulusOf("k", 1);
        f.keyStore.interruptNextDeletion();
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().delete("k"));

        f.createKey("k");

        ManagedKey key = f.storedKey("k");
        assertEquals(1, key.latestVersion());
        assertFalse(key.deletionAllowed(), "a new key, not the old one back");
        assertEquals(1, f.keyStore.versionRows("k"));
        assertNotEquals(old, f.modulusOf("k", 1));
    }

    @Test
    void deletingAMissingKeyLeavesAKeyCreatedMeanwhileAlone() {
        f.keyStore.calls().beforeNext(Call.FINISH_INTERRUPTED_DELETION, f.meanwhile(() -> f.seedKey("k", 1)));

        f.keys().delete("k");

        assertEquals(1, f.keyStore.calls().count(Call.FINISH_INTERRUPTED_DELETION));
        assertEquals(0, f.keyStore.calls().count(Call.DELETE), "nothing but an interrupted deletion is finished");
        assertEquals(1, f.storedVersions("k").size(), "the new key is intact");
        assertTrue(f.keys().read("k").key().latestVersion() == 1);
    }
}
