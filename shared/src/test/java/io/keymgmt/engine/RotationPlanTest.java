package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.T0;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;
import io.keymgmt.engine.fakes.InMemoryKeyStore.Call;
import io.keymgmt.engine.fakes.InMemoryVault;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the timer queues: {@link Rotations#plan} finds the keys due for rotation (by the header's next
 * rotation time) and the distributions left behind whose backoff has passed, as plain JSON messages.
 */
class RotationPlanTest {

    /** One hour at least between rotations; retries after 1, 2, then at most 3 minutes. */
    private static final EngineSettings SETTINGS = new EngineSettings(Duration.ofHours(1), Duration.ofMinutes(1),
            Duration.ofMinutes(3));
    private static final Duration MONTH = Duration.ofDays(30);

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir, SETTINGS);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private List<ScheduledWork> plan(Instant now) {
        return f.rotations().plan(now, 100);
    }

    private static List<String> kinds(List<ScheduledWork> work) {
        return work.stream().map(w -> w.message().get("kind") + " " + w.message().get("key")
                + (w.message().containsKey("provider") ? " " + w.message().get("provider") : "")).toList();
    }

    /** A key in p whose vault missed a min_enabled_version change: a crash after the key was written, no error. */
    private void leftBehindWithoutAFailure(String key) {
        f.seedKey(key, 2);
        f.distribute("p", key, "encrypt", "software");
        f.keyStore.calls().failNext(Call.DISTRIBUTIONS, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().write(key, params("min_enabled_version", 2)));
        Distribution d = f.distribution("p", key);
        assertEquals(1, d.appliedMinEnabledVersion());
        assertEquals(Optional.empty(), d.lastError());
        assertEquals(0, d.failedAttempts());
    }

    // The due query

    @Test
    void aKeyIsDueOnceItsPeriodHasPassedSinceItsLatestVersion() {
        f.seedKey("k", 3);
        f.rotateEvery("k", MONTH);

        assertEquals(List.of(), plan(T0.plus(MONTH).minusNanos(1)), "not yet due");
        assertEquals(List.of("rotate k"), kinds(plan(T0.plus(MONTH))), "due at the time itself");
        assertEquals(List.of("rotate k"), kinds(plan(T0.plus(Duration.ofDays(365)))), "and long after");
    }

    @Test
    void aKeyWithoutAPeriodIsNeverDue() {
        f.seedKey("k", 1);
        f.seedKey("off", 1);
        f.rotateEvery("off", MONTH);
        f.rotateEvery("off", Duration.ZERO);

        assertEquals(List.of(), plan(T0.plus(Duration.ofDays(100_000))));
    }

    @Test
    void afterARotationTheNextDueMovesToAPeriodAfterIt() {
        f.seedKey("k", 1);
        f.rotateEvery("k", MONTH);
        f.clock.advance(MONTH.plusDays(2));
        Instant rotatedAt = f.clock.instant();

        f.keys().rotate("k", Parameters.none());

        assertEquals(List.of(), plan(rotatedAt));
        assertEquals(List.of(), plan(rotatedAt.plus(MONTH).minusSeconds(1)));
        List<ScheduledWork> due = plan(rotatedAt.plus(MONTH));
        assertEquals(List.of("rotate k"), kinds(due));
        assertEquals(2, due.get(0).message().get("expected_version"));
        assertEquals(rotatedAt.plus(MONTH).toString(), due.get(0).message().get("due_at"));
    }

    @Test
    void atMostLimitDueKeysArePlanned() {
        for (String name : List.of("a", "b", "c")) {
            f.seedKey(name, 1);
            f.rotateEvery(name, MONTH);
        }
        Instant due = T0.plus(MONTH);

        assertEquals(2, f.rotations().plan(due, 2).size());
        assertEquals(1, f.rotations().plan(due, 1).size());
        assertEquals(List.of("rotate a", "rotate b", "rotate c"), kinds(f.rotations().plan(due, 3)).stream().sorted()
                .toList());
    }

    @Test
    void aKeyBeingDeletedIsNotDue() {
        f.seedKey("k", 1, 1, true);
        f.rotateEvery("k", MONTH);
        f.keyStore.interruptNextDeletion();
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().delete("k"));
        assertTrue(f.keyStore.isMarkedDeleting("k"));

        assertEquals(List.of(), plan(T0.plus(MONTH)));
    }

    @Test
    void planReadsTheDueHeadersTheHeadersAndTheDistributionsButNoVersion() {
        f.provider("p");
        f.seedKey("k", 4);
        f.rotateEvery("k", MONTH);
        f.distribute("p", "k", "encrypt", "software");
        f.resetCounts();

        plan(T0.plus(MONTH));

        assertEquals(List.of("DUE_FOR_ROTATION", "ALL_KEYS", "ALL_DISTRIBUTIONS"), f.keyStore.calls().log());
        assertEquals(0, f.providerStore.calls().total());
        assertEquals(0, f.sealer.calls().total());
        assertEquals(0, f.vaults.calls().total());
    }

    // The messages

    @Test
    void aRotationMessageNamesTheKeyTheVersionItReplacesAndWhenItWasDue() {
        f.seedKey("k", 3);
        f.rotateEvery("k", MONTH);

        List<ScheduledWork> work = plan(T0.plus(Duration.ofDays(45)));

        assertEquals(1, work.size());
        Map<String, Object> message = work.get(0).message();
        assertEquals(Map.of("kind", "rotate", "key", "k", "expected_version", 3, "due_at", "2026-02-01T03:04:05Z"),
                message);
        assertInstanceOf(String.class, message.get("kind"));
        assertInstanceOf(String.class, message.get("key"));
        assertInstanceOf(Integer.class, message.get("expected_version"));
        assertInstanceOf(String.class, message.get("due_at"));
        assertEquals(T0.plus(MONTH), Instant.parse((String) message.get("due_at")));
        assertEquals("rotation of key \"k\" past version 3, due 2026-02-01T03:04:05Z", work.get(0).description());
        assertThrows(UnsupportedOperationException.class, () -> message.put("kind", "sync"), "a copy, not a view");
    }

    @Test
    void aSyncMessageNamesTheKeyAndTheProvider() {
        f.provider("p");
        leftBehindWithoutAFailure("k");

        List<ScheduledWork> work = plan(T0.plus(Duration.ofHours(1)));

        assertEquals(1, work.size());
        Map<String, Object> message = work.get(0).message();
        assertEquals(Map.of("kind", "sync", "key", "k", "provider", "p"), message);
        message.values().forEach(v -> assertInstanceOf(String.class, v));
        assertEquals("resume of key \"k\" in KMS provider \"p\"", work.get(0).description());
    }

    @Test
    void bothKindsOfMessageSurviveJsonAndArePerformedAsDecoded() {
        f.provider("p");
        leftBehindWithoutAFailure("k");
        f.seedKey("due", 1);
        f.rotateEvery("due", Duration.ofHours(1));
        f.clock.advance(Duration.ofHours(1));

        List<ScheduledWork> work = plan(f.clock.instant());

        assertEquals(List.of("rotate due", "sync k p"), kinds(work));
        for (ScheduledWork item : work) {
            String json = toJson(item.message());
            Map<String, Object> decoded = fromJson(json);
            assertEquals(item.message(), decoded, json);
        }
        assertTrue(toJson(work.get(0).message()).contains("\"expected_version\":1"), "a JSON number");
        assertEquals(WorkOutcome.Result.ROTATED, f.rotations().perform(Parameters.of(fromJson(toJson(
                work.get(0).message())))).result());
        assertEquals(WorkOutcome.Result.SYNCED, f.rotations().perform(Parameters.of(fromJson(toJson(
                work.get(1).message())))).result());
        assertEquals(2, f.distribution("p", "k").appliedMinEnabledVersion());
    }

    private static String toJson(Map<String, Object> message) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = JsonProviders.createWriter(out)) {
            writer.writeUntyped(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fromJson(String json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            reader.nextToken();
            return (Map<String, Object>) reader.readUntyped();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Distributions left behind

    @Test
    void anUpToDateDistributionIsNotPlanned() {
        f.provider("p");
        f.seedKey("k", 2);
        f.distribute("p", "k", "encrypt", "software");

        assertEquals(List.of(), plan(T0.plus(Duration.ofDays(1))));
    }

    @Test
    void aDistributionLeftBehindWithoutAFailureGetsTheFirstBackoffsGrace() {
        f.provider("p");
        leftBehindWithoutAFailure("k");

        assertEquals(List.of(), plan(T0), "it may be being made right now");
        assertEquals(List.of(), plan(T0.plus(Duration.ofMinutes(1)).minusNanos(1)));
        assertEquals(List.of("sync k p"), kinds(plan(T0.plus(Duration.ofMinutes(1)))));
    }

    @Test
    void theGraceCountsFromTheDistributionsLastChange() {
        f.provider("p");
        f.seedKey("k", 2);
        f.clock.advance(Duration.ofMinutes(30));
        f.distribute("p", "k", "encrypt", "software");
        Instant distributedAt = f.clock.instant();
        f.keyStore.calls().failNext(Call.DISTRIBUTIONS, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.keys().write("k", params("min_enabled_version", 2)));

        assertEquals(List.of(), plan(distributedAt.plusSeconds(59)));
        assertEquals(List.of("sync k p"), kinds(plan(distributedAt.plusSeconds(60))));
    }

    @Test
    void aDistributionStillBeingMadeIsLeftAloneForTheGrace() {
        f.provider("p");
        f.seedKey("k", 1);
        // Storage lost after the distribution was recorded and before anything was imported: no error recorded.
        f.keyStore.calls().failNext(Call.UPDATE_DISTRIBUTION, 1, StoreFaults::outage);
        assertFault(Fault.STORAGE_UNAVAILABLE, () -> f.distribute("p", "k", "encrypt", "software"));
        assertEquals(0, f.vaultOf("p").calls().count(Op.IMPORT));
        Distribution d = f.distribution("p", "k");
        assertEquals(DistributionState.DISTRIBUTING, d.state());
        assertEquals(Optional.empty(), d.lastError());

        assertEquals(List.of(), plan(T0.plusSeconds(59)));
        assertEquals(List.of("sync k p"), kinds(plan(T0.plusSeconds(60))));
    }

    @Test
    void aFailedDistributionWaitsOutItsBackoffWhichDoublesUpToTheMaximum() {
        f.provider("p");
        f.seedKey("k", 1);
        InMemoryVault vault = f.vaultOf("p");
        vault.refuseUntilAllowed(Op.IMPORT, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "software"));

        List<Duration> expected = List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3),
                Duration.ofMinutes(3));
        for (int failures = 1; failures <= expected.size(); failures++) {
            Instant failedAt = f.clock.instant();
            Distribution d = f.distribution("p", "k");
            assertEquals(failures, d.failedAttempts());
            assertTrue(d.lastError().isPresent());
            Instant retryAt = failedAt.plus(expected.get(failures - 1));
            assertEquals(Optional.of(retryAt), d.retryAt(), "after " + failures + " failures");

            assertEquals(List.of(), plan(retryAt.minusSeconds(1)), "within the backoff after " + failures);
            List<ScheduledWork> due = plan(retryAt);
            assertEquals(List.of("sync k p"), kinds(due), "once the backoff after " + failures + " has passed");
            assertEquals("resume of key \"k\" in KMS provider \"p\" after " + failures + " failed attempts",
                    due.get(0).description());

            f.clock.advance(expected.get(failures - 1));
            if (failures < expected.size()) {
                assertFault(Fault.AZURE_FAILED, () -> f.distributions().sync("p", "k"));
            }
        }
        vault.allow(Op.IMPORT);

        Distribution done = f.distributions().sync("p", "k");

        assertEquals(0, done.failedAttempts());
        assertEquals(Optional.empty(), done.retryAt());
        assertEquals(Optional.empty(), done.lastError());
        assertEquals(List.of(), plan(f.clock.instant().plus(Duration.ofDays(1))));
    }

    @Test
    void theBackoffStartsOverAfterASuccess() {
        f.provider("p");
        f.seedKey("k", 3);
        f.distribute("p", "k", "encrypt", "software");
        InMemoryVault vault = f.vaultOf("p");
        vault.refuseNext(Op.UPDATE, 2, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.keys().write("k", params("min_enabled_version", 2)));
        f.clock.advance(Duration.ofMinutes(1));
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().sync("p", "k"));
        assertEquals(2, f.distribution("p", "k").failedAttempts());
        f.clock.advance(Duration.ofMinutes(2));
        f.distributions().sync("p", "k");
        vault.refuseNext(Op.UPDATE, 1, Reason.UNAVAILABLE);

        assertFault(Fault.AZURE_FAILED, () -> f.keys().write("k", params("min_enabled_version", 3)));

        Distribution d = f.distribution("p", "k");
        assertEquals(1, d.failedAttempts());
        assertEquals(Optional.of(f.clock.instant().plus(Duration.ofMinutes(1))), d.retryAt());
    }

    @Test
    void aDistributionBeingRemovedIsLeftToItsRemoval() {
        f.provider("p");
        f.seedKey("k", 1);
        f.distribute("p", "k", "encrypt", "software");
        f.vaultOf("p").refuseNext(Op.DELETE, 1, Reason.UNAVAILABLE);
        assertFault(Fault.AZURE_FAILED, () -> f.distributions().remove("p", "k"));
        Distribution d = f.distribution("p", "k");
        assertEquals(DistributionState.REMOVING, d.state());
        assertTrue(d.lastError().isPresent());

        assertEquals(List.of(), plan(T0.plus(Duration.ofDays(1))));
    }

    @Test
    void aDueKeyAndItsLaggingDistributionAreTwoItems() {
        f.provider("p");
        leftBehindWithoutAFailure("k");
        f.rotateEvery("k", MONTH);

        assertEquals(List.of("rotate k", "sync k p"), kinds(plan(T0.plus(MONTH))));
    }

    @Test
    void theLimitCountsBothKindsRotationsFirst() {
        f.provider("p");
        for (String name : List.of("a", "b")) {
            f.seedKey(name, 1);
            f.rotateEvery(name, MONTH);
        }
        leftBehindWithoutAFailure("c");
        leftBehindWithoutAFailure("d");
        Instant now = T0.plus(MONTH);

        assertEquals(List.of("rotate a", "rotate b", "sync c p", "sync d p"), kinds(f.rotations().plan(now, 10)));
        assertEquals(List.of("rotate a", "rotate b", "sync c p", "sync d p"), kinds(f.rotations().plan(now, 4)));
        assertEquals(List.of("rotate a", "rotate b", "sync c p"), kinds(f.rotations().plan(now, 3)));
        f.resetCounts();
        assertEquals(List.of("rotate a", "rotate b"), kinds(f.rotations().plan(now, 2)));
        assertEquals(List.of("DUE_FOR_ROTATION"), f.keyStore.calls().log(),
                "a full plan reads no more than the due headers");
        assertEquals(List.of("rotate a"), kinds(f.rotations().plan(now, 1)));
    }

    @Test
    void aStoreOutageFailsThePlanAsStorageUnavailable() {
        f.seedKey("k", 1);
        f.keyStore.calls().failNext(Call.ALL_DISTRIBUTIONS, 1, StoreFaults::outage);

        KeyManagementException e = assertFault(Fault.STORAGE_UNAVAILABLE, () -> plan(T0));

        assertTrue(e.getMessage().startsWith("Table Storage is unavailable: "), e.getMessage());
    }
}
