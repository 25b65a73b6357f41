package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.map;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.fakes.InMemoryKeyStore;
import io.keymgmt.engine.fakes.InMemoryProviderStore;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.InMemoryVault.Version;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distribution racing other instances: on the key header, the provider and its membership, the
 * distribution record between imports, and the remembered key exchange key. Each race is staged by
 * the other instance acting just before our write, so the retry branch is taken for real.
 */
class DistributionRacesTest {

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
        f.provider("p");
        f.resetCounts();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private InMemoryVault vault() {
        return f.vaultOf("p");
    }

    /** Runs {@code action} just before the write that records an import: after Azure took it. */
    private void justBeforeTheImportIsRecorded(Runnable action) {
        vault().calls().beforeNext(Op.IMPORT, () -> f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION,
                action));
    }

    /** Runs {@code action} as another instance just before the third distribution write: after v1's record. */
    private void justBeforeTheCompletionOfAOneVersionDistribution(Runnable action) {
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, () -> { })
                .beforeNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, () -> { })
                .beforeNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, f.meanwhile(action));
    }

    private void otherInstanceDistributes(String provider, String key) {
        f.anotherInstance().distributions().distribute(provider, key,
                params("purpose", "encrypt", "protection", "software"));
    }

    // The record of an import

    @Test
    void anImportIsRecordedOnTopOfWhatAnotherInstanceWroteMeanwhile() {
        f.seedKey("k", 2);
        justBeforeTheImportIsRecorded(f.meanwhile(() -> {
            Stored<Distribution> theirs = f.keyStore.distribution("k", "p").orElseThrow();
            f.keyStore.updateDistribution(theirs.value().withLastError(Optional.of("theirs"), f.clock.instant()),
                    theirs.etag());
        }));

        f.distribute("p", "k", "encrypt", "software");

        // Intent v1, record v1 (lost), re-read and record v1 again, intent v2, record v2, final record.
        assertEquals(6, f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION));
        Distribution d = f.distribution("p", "k");
        assertEquals(Set.of(1, 2), d.azureVersions().keySet());
        assertEquals(2, vault().versions(d.azureKeyName()).size(), "nothing imported twice");
        assertEquals(DistributionState.ACTIVE, d.state());
    }

    @Test
    void anotherInstanceResumingMidImportAdoptsOurVersionInsteadOfImportingItAgain() {
        f.seedKey("k", 1);
        justBeforeTheImportIsRecorded(f.meanwhile(() -> f.anotherInstance().distributions().sync("p", "k")));

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        List<Version> inVault = vault().versions(d.azureKeyName());
        assertEquals(1, inVault.size(), "the other instance found our import by its tags and recorded it");
        assertEquals(inVault.get(0).versionId(), d.azureVersions().get(1));
        assertEquals(1, vault().calls().count(Op.IMPORT), "we imported once and did not import again");
        assertEquals(DistributionState.ACTIVE, d.state());
    }

    @Test
    void recordingAnImportGivesUpAfterFiveLostRaces() {
        f.seedKey("k", 1);
        vault().calls().beforeNext(Op.IMPORT, () -> f.keyStore.calls().failNext(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION,
                5, StoreFaults::lostRace));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("too many concurrent changes to the distribution of key \"k\"; retry", e.getMessage());
        assertEquals(7, f.keyStore.calls().count(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION),
                "the intent, 5 lost, then the attempt to record why");
        assertEquals(Set.of(), f.distribution("p", "k").azureVersions().keySet());
    }

    @Test
    void aDistributionRemovedWhileAVersionIsImportedIsAConflict() {
        f.seedKey("k", 1);
        justBeforeTheImportIsRecorded(f.meanwhile(() -> f.anotherInstance().distributions().remove("p", "k")));

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("the distribution of key \"k\" to \"p\" was removed while it was being updated", e.getMessage());
        assertTrue(f.storedDistribution("p", "k").isEmpty());
    }

    @Test
    void aDistributionChangedJustBeforeItsCompletionIsReReadAndCompletedWithoutAConflict() {
        f.seedKey("k", 1);
        // The intent, record v1, then the completion: the third write loses once.
        f.keyStore.calls().failNthCall(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, 3, StoreFaults::lostRace);

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        assertEquals(Set.of(1), d.azureVersions().keySet());
        assertEquals(DistributionState.ACTIVE, d.state());
        assertEquals(1, vault().calls().count(Op.IMPORT), "nothing imported again");
    }

    @Test
    void aRotationThatOvertakesTheDistributionLeavesTheNewVersionToTheInstanceImportingIt() {
        f.seedKey("k", 1);
        // Between our import of v1 and our completion, another instance rotates and starts importing v2.
        justBeforeTheCompletionOfAOneVersionDistribution(() -> {
            Stored<Distribution> theirs = f.keyStore.distribution("k", "p").orElseThrow();
            f.keyStore.updateDistribution(theirs.value().withImporting(2, f.clock.instant()), theirs.etag());
        });

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        assertEquals(Set.of(1), d.azureVersions().keySet());
        assertEquals(2, d.importingVersion(), "the other instance's intent stands");
        assertEquals(1, vault().calls().count(Op.IMPORT), "version 2 is not imported by us as well");
    }

    @Test
    void completingGivesUpAfterFiveLostRaces() {
        f.seedKey("k", 1);
        // The intent and the record of v1 succeed; the completion and its four retries lose.
        f.keyStore.calls().failNthCall(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, 3, StoreFaults::lostRace);
        for (int n = 4; n <= 7; n++) {
            f.keyStore.calls().failNthCall(InMemoryKeyStore.Call.UPDATE_DISTRIBUTION, n, StoreFaults::lostRace);
        }

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("the distribution of key \"k\" to \"p\" was changed by other requests 5 times while this "
                + "one worked on it; retry", e.getMessage());
        Distribution d = f.distribution("p", "k");
        assertEquals(Set.of(1), d.azureVersions().keySet(), "the import was recorded");
        assertEquals(DistributionState.DISTRIBUTING, d.state());

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
        assertEquals(1, vault().calls().count(Op.IMPORT), "a repeat finishes without importing again");
    }

    @Test
    void aRemovalStartedJustBeforeTheCompletionIsAConflictThatLeavesTheRemovalToFinish() {
        f.seedKey("k", 1);
        justBeforeTheCompletionOfAOneVersionDistribution(() -> {
            Stored<Distribution> theirs = f.keyStore.distribution("k", "p").orElseThrow();
            f.keyStore.updateDistribution(theirs.value().withState(DistributionState.REMOVING, f.clock.instant()),
                    theirs.etag());
        });

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("key \"k\" is being removed from KMS provider \"p\"; it was not distributed", e.getMessage());
        assertEquals(DistributionState.REMOVING, f.distribution("p", "k").state());
    }

    // The key header and the distribution record

    @Test
    void aKeyDeletedBeforeTheDistributionIsRecordedIsNotFoundAndNothingIsRecorded() {
        f.seedKey("k", 1, 1, true);
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.ADD_DISTRIBUTION, f.meanwhile(() -> f.anotherInstance().keys().delete("k")));

        KeyManagementException e = assertFault(Fault.NOT_FOUND, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("key \"k\" not found", e.getMessage());
        assertEquals(1, f.keyStore.calls().count(InMemoryKeyStore.Call.ADD_DISTRIBUTION));
        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(List.of(), f.providerStore.members("p"));
        assertEquals(0, vault().calls().total());
    }

    @Test
    void aKeyUpdatedBeforeTheDistributionIsRecordedIsRetriedWithItsNewState() {
        f.seedKey("k", 3);
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.ADD_DISTRIBUTION, f.meanwhile(() -> f.anotherInstance().keys().write("k", params("min_enabled_version", 3))));

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(2, f.keyStore.calls().count(InMemoryKeyStore.Call.ADD_DISTRIBUTION));
        assertEquals(3, f.storedKey("k").minEnabledVersion(), "the header rewrite kept the other instance's change");
        List<Version> inVault = vault().versions(f.distribution("p", "k").azureKeyName());
        assertEquals(List.of(false, false, true), inVault.stream().map(Version::enabled).toList());
    }

    @Test
    void aConcurrentFirstDistributionBecomesAResume() {
        f.seedKey("k", 2);
        f.keyStore.calls().beforeNext(InMemoryKeyStore.Call.ADD_DISTRIBUTION, f.meanwhile(() -> otherInstanceDistributes("p", "k")));

        f.distribute("p", "k", "encrypt", "software");

        Distribution d = f.distribution("p", "k");
        assertEquals(2, vault().versions(d.azureKeyName()).size(), "the other instance's imports are not repeated");
        assertEquals(0, vault().calls().count(Op.IMPORT));
        assertEquals(List.of("k"), f.providerStore.members("p"));
    }

    @Test
    void recordingTheDistributionGivesUpAfterFiveLostRaces() {
        f.seedKey("k", 1);
        f.keyStore.calls().failNext(InMemoryKeyStore.Call.ADD_DISTRIBUTION, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("key \"k\" or provider \"p\" is being changed by other requests; retry", e.getMessage());
        assertEquals(5, f.keyStore.calls().count(InMemoryKeyStore.Call.ADD_DISTRIBUTION));
        assertTrue(f.storedDistribution("p", "k").isEmpty());
    }

    // The provider and the membership

    @Test
    void anotherKeyJoiningTheSameProviderMeanwhileDisturbsNothing() {
        f.seedKey("k", 1);
        f.seedKey("j", 1);
        String providerEtag = f.providerStore.stored("p").orElseThrow().etag();
        f.providerStore.calls().beforeNext(InMemoryProviderStore.Call.ADD_MEMBER, f.meanwhile(() -> otherInstanceDistributes("p", "j")));

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(1, f.providerStore.calls().count(InMemoryProviderStore.Call.ADD_MEMBER), "no second try");
        assertEquals(List.of("j", "k"), f.providerStore.members("p"));
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
        assertEquals(providerEtag, f.providerStore.stored("p").orElseThrow().etag(),
                "distributions write nothing every key of the provider shares");
    }

    @Test
    void aDeletionBetweenAMembershipAndItsCheckSeesTheMemberAndStops() {
        f.seedKey("k", 1);
        // The key's membership is recorded; before the distribution checks the provider, a deletion runs.
        f.providerStore.calls().beforeNext(InMemoryProviderStore.Call.ACCEPTS_MEMBERS, f.meanwhile(() -> {
            KeyManagementException refused = assertFault(Fault.INVALID_REQUEST, () -> f.anotherInstance().providers()
                    .delete("p"));
            assertTrue(refused.getMessage().startsWith("KMS provider \"p\" still holds keys k"), refused.getMessage());
        }));

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(List.of("k"), f.providerStore.members("p"), "the deletion saw the member and stopped");
        assertTrue(f.providerStore.stored("p").isPresent());
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
    }

    @Test
    void aKeyThatJoinsAfterADeletionMarkedTheProviderIsTakenBack() {
        f.seedKey("k", 1);
        // A deletion stopped right after its mark (a crash): keys must stay out until it is finished.
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.MEMBER_KEYS, 1, StoreFaults::outage);
        assertThrows(io.keymgmt.store.StoreException.class, () -> f.providerStore.delete("p",
                f.providerStore.stored("p").orElseThrow().etag()));
        assertTrue(f.providerStore.isMarked("p"));
        f.resetCounts();

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> f.distribute("p", "k", "encrypt", "software"));

        assertTrue(e.getMessage().startsWith("KMS provider \"p\" is being deleted"), e.getMessage());
        assertEquals(List.of(), f.providerStore.members("p"));
        assertTrue(f.storedDistribution("p", "k").isEmpty(), "the distribution record was taken back");
        assertEquals(0, vault().calls().total());
        f.providers().delete("p");
        assertTrue(f.providerStore.stored("p").isEmpty(), "the next deletion finished it");
    }

    @Test
    void aProviderDeletedBeforeTheMembershipIsRecordedLeavesNothingBehind() {
        f.seedKey("k", 1);
        f.providerStore.calls().beforeNext(InMemoryProviderStore.Call.ADD_MEMBER, f.meanwhile(() -> f.anotherInstance().providers().delete("p")));

        KeyManagementException e = assertFault(Fault.NOT_FOUND, () -> f.distribute("p", "k", "encrypt", "software"));

        assertEquals("KMS provider \"p\" not found", e.getMessage());
        assertTrue(f.storedDistribution("p", "k").isEmpty(), "the distribution record was taken back");
        assertEquals(List.of(), f.providerStore.members("p"));
        assertEquals(0, vault().calls().total());
    }

    @Test
    void aMembershipThatCannotBeRecordedIsAnOutageThatARepeatFinishes() {
        f.seedKey("k", 1);
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.ADD_MEMBER, 1, StoreFaults::outage);

        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "k", "encrypt", "software"));
        assertEquals(0, vault().calls().total(), "Azure waits for the membership");

        f.distribute("p", "k", "encrypt", "software");

        assertEquals(List.of("k"), f.providerStore.members("p"));
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
    }

    // The remembered key exchange key

    @Test
    void rememberingTheKeyExchangeKeyIsRetriedOnTopOfAnotherUpdate() {
        f.seedKey("k", 1);
        f.providerStore.calls().beforeNext(InMemoryProviderStore.Call.REPLACE, f.meanwhile(() -> f.anotherInstance().providers()
                .write("p", params("credentials", map("tenant_id", "t-2")))));

        f.distribute("p", "k", "encrypt", "hsm");

        assertEquals(2, f.providerStore.calls().count(InMemoryProviderStore.Call.REPLACE));
        KmsProvider p = f.storedProvider("p");
        assertEquals(Optional.of(vault().keyExchangeKeysCreated().get(0)), p.keyExchangeKeyId());
        assertTrue(p.sealedCredentials().isPresent(), "the other instance's credentials survive");
    }

    @Test
    void aKeyExchangeKeyThatCannotBeRememberedDoesNotFailTheDistribution() {
        f.seedKey("k", 1);
        f.seedKey("j", 1);
        f.providerStore.calls().failNext(InMemoryProviderStore.Call.REPLACE, 5, StoreFaults::lostRace);

        f.distribute("p", "k", "encrypt", "hsm");

        assertEquals(5, f.providerStore.calls().count(InMemoryProviderStore.Call.REPLACE));
        assertEquals(Optional.empty(), f.storedProvider("p").keyExchangeKeyId());
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());

        f.distribute("p", "j", "encrypt", "hsm");

        List<String> keks = vault().keyExchangeKeysCreated();
        assertEquals(2, keks.size(), "the next distribution made another");
        assertNotEquals(keks.get(0), keks.get(1));
        assertEquals(Optional.of(keks.get(1)), f.storedProvider("p").keyExchangeKeyId());
    }
}
