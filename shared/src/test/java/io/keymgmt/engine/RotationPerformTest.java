package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.T0;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.map;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.WorkOutcome.Result;
import io.keymgmt.engine.fakes.InMemoryKeyStore.Call;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.InMemoryVault.Version;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.KeyVersion;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the queue function does with one message: {@link Rotations#perform}. Delivery is at least once
 * and workers run side by side, so a rotation adds one version however often and however concurrently
 * its message is performed, and every distribution of the key is brought up to date in every case.
 */
class RotationPerformTest {

    private static final Duration MONTH = Duration.ofDays(30);

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
        f.provider("p");
    }

    @AfterEach
    void close() {
        f.close();
    }

    private InMemoryVault vault() {
        return f.vaultOf("p");
    }

    private List<Version> inVault(String key) {
        return vault().versions(f.distribution("p", key).azureKeyName());
    }

    /** Key k, distributed to p, rotating monthly, now due: the timer's message for it. */
    private Map<String, Object> dueAndQueued() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        f.rotateEvery("k", MONTH);
        f.clock.advance(MONTH);
        List<ScheduledWork> work = f.rotations().plan(f.clock.instant(), 10);
        assertEquals(1, work.size());
        f.resetCounts();
        return work.get(0).message();
    }

    private WorkOutcome perform(Map<String, ?> message) {
        return f.rotations().perform(Parameters.of(message));
    }

    private static Map<String, Object> rotate(String key, Object expectedVersion) {
        return map("kind", "rotate", "key", key, "expected_version", expectedVersion);
    }

    private static Map<String, Object> sync(String key, String provider) {
        return map("kind", "sync", "key", key, "provider", provider);
    }

    // Rotate

    @Test
    void aDueKeyRotatesAndItsVaultsGetTheNewVersion() {
        Map<String, Object> message = dueAndQueued();
        Instant now = f.clock.instant();

        WorkOutcome outcome = perform(message);

        assertEquals(new WorkOutcome(Result.ROTATED, "key \"k\" rotated past version 1 and its vaults brought up to "
                + "date"), outcome);
        ManagedKey key = f.storedKey("k");
        assertEquals(2, key.latestVersion());
        assertEquals(now, key.lastRotatedAt());
        assertEquals(Optional.of(now.plus(MONTH)), key.nextRotationAt());
        assertEquals(now, f.storedVersions("k").get(1).createdAt());
        assertNotEquals(f.modulusOf("k", 1), f.modulusOf("k", 2));
        assertEquals(2, inVault("k").size());
        assertEquals(f.modulusOf("k", 2), inVault("k").get(1).modulus());
        assertEquals(DistributionState.ACTIVE, f.distribution("p", "k").state());
        assertEquals(List.of(), f.rotations().plan(now, 10), "no longer due");
    }

    @Test
    void theSameMessagePerformedTwiceRotatesOnce() {
        Map<String, Object> message = dueAndQueued();

        assertEquals(Result.ROTATED, perform(message).result());
        WorkOutcome again = perform(message);

        assertEquals(new WorkOutcome(Result.SKIPPED, "key \"k\" was not rotated (no longer at version 1, or not due);"
                + " its vaults were checked"), again);
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(2, f.storedVersions("k").size());
        assertEquals(1, f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(2, inVault("k").size(), "nothing imported twice");
    }

    @Test
    void twoWorkersWithTheSameMessageAddOneVersion() {
        Map<String, Object> message = dueAndQueued();
        List<WorkOutcome> theirs = new ArrayList<>();
        f.keyStore.calls().beforeNext(Call.ADD_VERSION, f.meanwhile(() -> theirs.add(
                f.anotherInstance().rotations().perform(Parameters.of(message)))));

        WorkOutcome ours = perform(message);

        assertEquals(List.of(Result.ROTATED), theirs.stream().map(WorkOutcome::result).toList());
        assertEquals(Result.SKIPPED, ours.result(), "ours lost the header's ETag, read it again and found it rotated");
        assertEquals(1, f.keyStore.calls().count(Call.ADD_VERSION), "ours was tried once and refused");
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(2, f.storedVersions("k").size());
        assertEquals(2, inVault("k").size(), "one import of version 2");
        assertEquals(0, vault().calls().count(Op.IMPORT), "ours found the vault up to date");
    }

    @Test
    void aKeyRotatedByHandMeanwhileIsNotRotatedAgain() {
        Map<String, Object> message = dueAndQueued();
        f.keys().rotate("k", Parameters.none());
        f.resetCounts();

        WorkOutcome outcome = perform(message);

        assertEquals(Result.SKIPPED, outcome.result());
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(0, f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(2, inVault("k").size());
    }

    @Test
    void aHandRotationThatLandsBetweenTheReadAndTheWriteWins() {
        Map<String, Object> message = dueAndQueued();
        f.keyStore.calls().beforeNext(Call.ADD_VERSION, f.meanwhile(() -> f.anotherInstance().keys().rotate("k",
                Parameters.none())));

        WorkOutcome outcome = perform(message);

        assertEquals(Result.SKIPPED, outcome.result());
        assertEquals(2, f.storedKey("k").latestVersion(), "the hand rotation's version only");
        assertEquals(2, f.storedVersions("k").size());
        assertEquals(2, inVault("k").size());
    }

    @Test
    void aKeyDeletedAfterItsMessageWasQueuedIsSkipped() {
        f.seedKey("k", 1, 1, true);
        f.rotateEvery("k", MONTH);
        f.clock.advance(MONTH);
        Map<String, Object> message = f.rotations().plan(f.clock.instant(), 10).get(0).message();
        f.keys().delete("k");
        f.resetCounts();

        WorkOutcome outcome = perform(message);

        assertEquals(new WorkOutcome(Result.SKIPPED, "key \"k\" no longer exists"), outcome);
        assertTrue(f.findKey("k").isEmpty());
        assertEquals(0, f.keyStore.calls().count(Call.CREATE) + f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(0, f.sealer.calls().total(), "no key material generated");
    }

    @Test
    void aKeyDeletedWhileItsRotationIsBeingMadeIsSkippedAndGetsNoVersion() {
        f.seedKey("k", 1, 1, true);
        f.rotateEvery("k", MONTH);
        f.clock.advance(MONTH);
        f.keyStore.calls().beforeNext(Call.ADD_VERSION, f.meanwhile(() -> f.anotherInstance().keys().delete("k")));

        WorkOutcome outcome = perform(rotate("k", 1));

        assertEquals(new WorkOutcome(Result.SKIPPED, "key \"k\" no longer exists"), outcome);
        assertTrue(f.findKey("k").isEmpty());
        assertEquals(0, f.keyStore.versionRows("k"), "no version left behind");
    }

    @Test
    void aKeyThatIsNotDueGetsNoVersionButItsVaultsAreStillBroughtUpToDate() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        f.rotateEvery("k", MONTH);
        // The vault missed a min_enabled_version change: the sync after the write was lost.
        f.keyStore.calls().failNext(Call.DISTRIBUTIONS, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().write("k", params("min_enabled_version", 2)));
        f.clock.advance(MONTH.minusSeconds(1));
        f.resetCounts();

        WorkOutcome outcome = perform(rotate("k", 2));

        assertEquals(Result.SKIPPED, outcome.result());
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(0, f.keyStore.calls().count(Call.ADD_VERSION));
        assertEquals(0, f.sealer.calls().count(io.keymgmt.engine.fakes.FlakySealer.Call.SEAL), "nothing generated");
        assertEquals(2, f.distribution("p", "k").appliedMinEnabledVersion(), "the vault was brought up to date");
        assertEquals(List.of(false, true), inVault("k").stream().map(Version::enabled).toList());
    }

    @Test
    void aKeyWhoseRotationWasTurnedOffAfterQueueingIsNotRotated() {
        Map<String, Object> message = dueAndQueued();
        f.keys().write("k", params("auto_rotate_period", 0));

        assertEquals(Result.SKIPPED, perform(message).result());
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    @Test
    void aKeyWhosePeriodGrewAfterQueueingIsNotRotated() {
        Map<String, Object> message = dueAndQueued();
        f.keys().write("k", params("auto_rotate_period", "60d"));

        assertEquals(Result.SKIPPED, perform(message).result());
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    @Test
    void aVaultFailingDuringTheSyncSurfacesAndTheSameMessageFinishesItLater() {
        Map<String, Object> message = dueAndQueued();
        vault().refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);
        Instant failedAt = f.clock.instant();

        KeyManagementException e = assertFault(Fault.AZURE_FAILED, () -> perform(message));

        assertTrue(e.getMessage().startsWith("version 2 of key \"k\" was created on schedule, but 1 vault could not "
                + "follow"), e.getMessage());
        assertEquals(2, f.storedKey("k").latestVersion(), "the version exists");
        assertEquals(2, f.storedVersions("k").size());
        Distribution failed = f.distribution("p", "k");
        assertEquals(Set.of(1), failed.azureVersions().keySet());
        assertTrue(failed.lastError().isPresent());
        assertEquals(1, failed.failedAttempts());
        assertEquals(Optional.of(failedAt.plus(Duration.ofMinutes(1))), failed.retryAt());
        assertEquals(List.of("sync"), f.rotations().plan(failedAt.plus(Duration.ofMinutes(1)), 10).stream()
                .map(w -> w.message().get("kind")).toList(), "the reconciler resumes it; the key is no longer due");

        f.clock.advance(Duration.ofSeconds(10));
        WorkOutcome again = perform(message);

        assertEquals(Result.SKIPPED, again.result(), "no second version");
        assertEquals(2, f.storedKey("k").latestVersion());
        assertEquals(1, f.keyStore.calls().count(Call.ADD_VERSION));
        Distribution done = f.distribution("p", "k");
        assertEquals(Set.of(1, 2), done.azureVersions().keySet());
        assertEquals(Optional.empty(), done.lastError());
        assertEquals(0, done.failedAttempts());
        assertEquals(Optional.empty(), done.retryAt());
        assertEquals(f.modulusOf("k", 2), inVault("k").get(1).modulus());
    }

    @Test
    void anExpectedVersionTheKeyNeverReachedRotatesNothing() {
        dueAndQueued();

        assertEquals(Result.SKIPPED, perform(rotate("k", 7)).result());
        assertEquals(1, f.storedKey("k").latestVersion());
        assertEquals(0, f.keyStore.calls().count(Call.ADD_VERSION));
    }

    @Test
    void aDueKeyWithoutDistributionsRotates() {
        f.seedKey("solo", 1);
        f.rotateEvery("solo", Duration.ofHours(1));
        f.clock.advance(Duration.ofHours(2));

        assertEquals(Result.ROTATED, perform(rotate("solo", 1)).result());
        assertEquals(2, f.storedKey("solo").latestVersion());
        assertEquals(f.clock.instant().plus(Duration.ofHours(1)), f.storedKey("solo").nextRotationAt().orElseThrow(),
                "an hour after this rotation, not after the missed due time");
    }

    @Test
    void numbersAsStringsAreTakenAsTheVaultCliWouldSendThem() {
        f.seedKey("k", 1);
        f.rotateEvery("k", MONTH);
        f.clock.advance(MONTH);

        assertEquals(Result.ROTATED, perform(map("kind", "rotate", "key", "k", "expected_version", "1",
                "due_at", "2026-02-01T03:04:05Z")).result());
    }

    @Test
    void aRotationThatLosesFiveRacesIsAConflictToRetry() {
        Map<String, Object> message = dueAndQueued();
        f.keyStore.calls().failNext(Call.ADD_VERSION, 5, StoreFaults::lostRace);

        KeyManagementException e = assertFault(Fault.CONFLICT, () -> perform(message));

        assertEquals("key \"k\" is being changed by other requests; retry", e.getMessage());
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    // Sync

    @Test
    void aSyncMessageBringsItsDistributionUpToDate() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        vault().refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.keys().rotate("k", Parameters.none()));

        WorkOutcome outcome = perform(sync("k", "p"));

        assertEquals(new WorkOutcome(Result.SYNCED, "key \"k\" in KMS provider \"p\" is active with 2 versions"),
                outcome);
        Distribution d = f.distribution("p", "k");
        assertEquals(Set.of(1, 2), d.azureVersions().keySet());
        assertEquals(Optional.empty(), d.lastError());
        assertEquals(0, d.failedAttempts());
    }

    @Test
    void aSyncMessageForAnUpToDateDistributionAsksNothingOfAzure() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        f.resetCounts();

        assertEquals(Result.SYNCED, perform(sync("k", "p")).result());
        assertEquals(0, vault().calls().count(Op.IMPORT) + vault().calls().count(Op.UPDATE));
    }

    @Test
    void aSyncMessageThatFailsInTheVaultSurfacesAndRecordsTheBackoff() {
        f.seedKey("k", 1);
        vault().refuseUntilAllowed(Op.IMPORT, Reason.THROTTLED);
        assertFault(Fault.AZURE_THROTTLED, () -> f.distribute("p", "k", "encrypt", "software"));
        f.clock.advance(Duration.ofMinutes(1));

        assertFault(Fault.AZURE_THROTTLED, () -> perform(sync("k", "p")));

        Distribution d = f.distribution("p", "k");
        assertEquals(2, d.failedAttempts());
        assertEquals(Optional.of(f.clock.instant().plus(Duration.ofMinutes(2))), d.retryAt());
    }

    @Test
    void aSyncMessageForAKeyThatIsGoneIsSkipped() {
        f.seedKey("k", 1, 1, true);
        f.keys().delete("k");
        f.resetCounts();

        WorkOutcome outcome = perform(sync("k", "p"));

        assertEquals(new WorkOutcome(Result.SKIPPED, "key \"k\" is not (or no longer) being distributed to KMS "
                + "provider \"p\""), outcome);
        assertEquals(0, f.vaults.calls().total());
        assertEquals(Result.SKIPPED, perform(sync("never", "p")).result());
    }

    @Test
    void aSyncMessageForADistributionThatIsGoneIsSkipped() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        f.distributions().remove("p", "k");
        f.resetCounts();

        assertEquals(Result.SKIPPED, perform(sync("k", "p")).result());
        assertEquals(Result.SKIPPED, perform(sync("k", "other")).result(), "never distributed there");
        assertEquals(0, f.vaults.calls().total());
        assertTrue(f.storedDistribution("p", "k").isEmpty(), "not distributed again");
    }

    @Test
    void aSyncMessageWhoseDistributionIsRemovedWhileItIsPerformedIsSkipped() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        f.resetCounts();
        f.keyStore.calls().beforeNext(Call.FIND, f.meanwhile(() -> f.anotherInstance().distributions().remove("p", "k")));

        WorkOutcome outcome = perform(sync("k", "p"));

        assertEquals(Result.SKIPPED, outcome.result());
        assertEquals("key \"k\" is not distributed to KMS provider \"p\"", outcome.detail());
        assertTrue(f.storedDistribution("p", "k").isEmpty());
        assertEquals(0, vault().calls().count(Op.IMPORT));
    }

    @Test
    void aSyncMessageForADistributionBeingRemovedIsSkipped() {
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        vault().refuseNext(Op.DELETE, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().remove("p", "k"));
        f.resetCounts();

        WorkOutcome outcome = perform(sync("k", "p"));

        assertEquals(Result.SKIPPED, outcome.result());
        assertEquals(0, f.vaults.calls().total(), "left to its removal");
        assertEquals(DistributionState.REMOVING, f.distribution("p", "k").state());
    }

    @Test
    void aDistributionWhoseProviderIsGoneIsNotQueuedAgainAtEveryFiring() {
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");
        f.keyStore.calls().failNext(Call.DISTRIBUTIONS, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().write("k", params("min_enabled_version", 2)));
        // The state a crash between the distribution's record and its membership leaves, once the provider is deleted.
        f.quietly(() -> {
            f.providerStore.removeMember("p", "k");
            f.providerStore.delete("p", f.providerStore.find("p").orElseThrow().etag());
        });
        f.clock.advance(Duration.ofMinutes(5));
        List<ScheduledWork> work = f.rotations().plan(f.clock.instant(), 10);
        assertEquals(List.of(sync("k", "p")), work.stream().map(ScheduledWork::message).toList());

        try {
            perform(work.get(0).message());
        } catch (KeyManagementException e) {
            // Whatever it reports, the next firing must not queue it again at once.
        }

        assertEquals(List.of(), f.rotations().plan(f.clock.instant().plusSeconds(30), 10),
                "queued again half a minute later");
    }

    // Malformed messages

    @Test
    void aMessageWithoutAKindIsInvalid() {
        f.seedKey("k", 1);
        f.resetCounts();

        assertEquals("the message has no kind: it must be \"rotate\", \"sync\" or \"operation\"",
                assertFault(Fault.INVALID_REQUEST, () -> perform(map("key", "k", "expected_version", 1))).getMessage());
        assertFault(Fault.INVALID_REQUEST, () -> perform(map("kind", null, "key", "k")));
        assertFault(Fault.INVALID_REQUEST, () -> perform(Map.of()));
        assertEquals(0, f.keyStore.calls().total());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotation", "ROTATE", "Sync", "", "remove"})
    void aMessageOfAnUnknownKindIsInvalid(String kind) {
        KeyManagementException e = assertFault(Fault.INVALID_REQUEST,
                () -> perform(map("kind", kind, "key", "k", "expected_version", 1, "provider", "p")));

        assertEquals("unknown kind of message \"" + kind + "\": it must be \"rotate\", \"sync\" or \"operation\"", e.getMessage());
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void aKindThatIsNotAStringIsInvalid() {
        assertFault(Fault.INVALID_REQUEST, () -> perform(map("kind", List.of("rotate"), "key", "k")));
        assertFault(Fault.INVALID_REQUEST, () -> perform(map("kind", Map.of("rotate", true), "key", "k")));
        assertFault(Fault.INVALID_REQUEST, () -> perform(map("kind", 7, "key", "k")));
    }

    @Test
    void aRotationWithoutAKeyOrAVersionIsInvalid() {
        f.seedKey("k", 1);
        f.resetCounts();

        assertEquals("the message has no key", assertFault(Fault.INVALID_REQUEST,
                () -> perform(map("kind", "rotate", "expected_version", 1))).getMessage());
        assertEquals("the message has no expected_version", assertFault(Fault.INVALID_REQUEST,
                () -> perform(map("kind", "rotate", "key", "k"))).getMessage());
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void anExpectedVersionThatIsNotAnIntegerIsInvalid() {
        f.seedKey("k", 1);
        f.resetCounts();

        for (Object bad : List.of("two", "1.0", 1.5, true, List.of(1), "", "99999999999")) {
            KeyManagementException e = assertFault(Fault.INVALID_REQUEST, () -> perform(rotate("k", bad)));
            assertTrue(e.getMessage().startsWith("expected_version must be an integer, got "), e.getMessage());
        }
        assertEquals("expected_version must be an integer, got \"two\"", assertFault(Fault.INVALID_REQUEST,
                () -> perform(rotate("k", "two"))).getMessage());
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void anExpectedVersionBelowOneIsInvalid() {
        f.seedKey("k", 1);
        f.resetCounts();

        assertEquals("expected_version must be 1 or more, got 0", assertFault(Fault.INVALID_REQUEST,
                () -> perform(rotate("k", 0))).getMessage());
        assertEquals("expected_version must be 1 or more, got -1", assertFault(Fault.INVALID_REQUEST,
                () -> perform(rotate("k", "-1"))).getMessage());
        assertEquals(0, f.keyStore.calls().total());
        assertEquals(1, f.storedKey("k").latestVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-k", ".k", "has space", "a/b", "k#1"})
    void aBadKeyNameIsInvalidInEitherKind(String name) {
        assertFault(Fault.INVALID_REQUEST, () -> perform(rotate(name, 1)));
        assertFault(Fault.INVALID_REQUEST, () -> perform(sync(name, "p")));
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void aSyncWithoutAKeyOrAProviderOrWithABadProviderNameIsInvalid() {
        f.resetCounts();

        assertEquals("the message has no key", assertFault(Fault.INVALID_REQUEST,
                () -> perform(map("kind", "sync", "provider", "p"))).getMessage());
        assertEquals("the message has no provider", assertFault(Fault.INVALID_REQUEST,
                () -> perform(map("kind", "sync", "key", "k"))).getMessage());
        for (String bad : List.of("", "_p", "p q", "p/q")) {
            assertFault(Fault.INVALID_REQUEST, () -> perform(sync("k", bad)));
        }
        assertEquals(0, f.keyStore.calls().total());
    }

    @Test
    void theVersionsOfARotatedKeyAreNumberedWithoutGaps() {
        Map<String, Object> message = dueAndQueued();
        perform(message);
        f.clock.advance(MONTH);
        perform(rotate("k", 1));
        perform(f.rotations().plan(f.clock.instant(), 10).get(0).message());

        assertEquals(List.of(1, 2, 3), f.storedVersions("k").stream().map(KeyVersion::number).toList());
        assertEquals(T0.plus(MONTH.multipliedBy(2)), f.storedKey("k").lastRotatedAt());
    }
}
