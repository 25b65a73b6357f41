package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.WorkOutcome.Result;
import io.keymgmt.engine.fakes.InMemoryOperationStore;
import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import io.keymgmt.operations.Operation;
import io.keymgmt.operations.OperationAction;
import io.keymgmt.operations.OperationStatus;
import io.keymgmt.operations.VaultOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long actions workflows start ({@link Operations}), on fakes: a request is checked and recorded
 * once per idempotency key, the queued work rotates or distributes once however often it is performed,
 * a failure a retry may cure is thrown until the last try, and what ends an operation is on its record.
 */
class OperationsTest {

    @TempDir
    Path dir;
    private EngineFixture f;

    @BeforeEach
    void open() {
        f = new EngineFixture(dir);
        f.provider("p1");
        f.provider("p2");
        f.seedKey("k", 1);
        f.distribute("p1", "k", "encrypt", "software");
        f.distribute("p2", "k", "encrypt", "software");
    }

    @AfterEach
    void close() {
        f.close();
    }

    private Operations operations() {
        return f.engine.operations();
    }

    private Operations.Started rotate(String idempotencyKey) {
        return operations().start(OperationAction.ROTATE_KEY, params("key", "k"), Optional.ofNullable(idempotencyKey));
    }

    private WorkOutcome perform(Operations.Started started, boolean lastTry) {
        Map<String, Object> message = started.message().orElseThrow();
        return operations().perform(Parameters.of(message), lastTry);
    }

    private Operation stored(String id) {
        return f.operationStore.stored(id).orElseThrow().value();
    }

    @Test
    void aRotationAddsOneVersionAndReachesEveryVault() {
        Operations.Started started = rotate("run-1");
        assertTrue(started.created());
        assertEquals(OperationStatus.RUNNING, started.operation().status());
        assertEquals(2, started.operation().vaultsTotal());
        assertEquals(1, f.storedKey("k").latestVersion(), "nothing is done before the queue performs it");

        WorkOutcome outcome = perform(started, false);

        assertEquals(Result.PERFORMED, outcome.result(), outcome.detail());
        Operation done = operations().read(started.operation().id());
        assertEquals(OperationStatus.SUCCEEDED, done.status());
        assertEquals(Optional.of(2), done.resultVersion());
        assertEquals(List.of(VaultOutcome.done("p1"), VaultOutcome.done("p2")), done.outcomes());
        assertEquals(2, f.storedKey("k").latestVersion());
        for (String p : List.of("p1", "p2")) {
            assertEquals(2, f.distribution(p, "k").azureVersions().size(), p);
            assertEquals(2, f.vaultOf(p).versions(f.distribution(p, "k").azureKeyName()).size(), p);
        }
    }

    @Test
    void aRepeatedRequestFindsTheSameOperationAndARedeliveryRotatesOnce() {
        Operations.Started first = rotate("run-1");
        Operations.Started again = rotate("run-1");
        assertFalse(again.created());
        assertEquals(first.operation().id(), again.operation().id());
        assertTrue(again.message().isPresent(), "a repeat of a running operation queues its work again");
        assertEquals(1, f.operationStore.size());

        perform(first, false);
        WorkOutcome second = perform(again, false);
        assertEquals(Result.SKIPPED, second.result(), second.detail());
        Operations.Started afterEnd = rotate("run-1");
        assertEquals(Optional.empty(), afterEnd.message(), "an ended operation has nothing left to queue");
        assertEquals(OperationStatus.SUCCEEDED, afterEnd.operation().status());
        assertEquals(2, f.storedKey("k").latestVersion(), "one rotation for three requests and two deliveries");
    }

    @Test
    void aWorkerThatFindsTheOperationEndedByAnotherMeanwhileDoesNothing() {
        Operations.Started started = rotate(null);
        // Another worker performs it between this worker's read and its first write.
        f.operationStore.calls().beforeNext(InMemoryOperationStore.Call.REPLACE, () -> f.anotherInstance().operations()
                .perform(Parameters.of(started.message().orElseThrow()), false));

        WorkOutcome outcome = perform(started, false);

        assertEquals(Result.SKIPPED, outcome.result(), outcome.detail());
        assertEquals(2, f.storedKey("k").latestVersion(), "rotated once, by the other worker");
        assertEquals(1, stored(started.operation().id()).attempts());
    }

    @Test
    void aSecondPerformOfAnInterruptedRotationDoesNotRotateAgain() {
        Operations.Started started = rotate(null);
        f.vaultOf("p2").refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);

        KeyManagementException thrown = assertFault(Fault.AZURE_FAILED, () -> perform(started, false));
        assertTrue(thrown.getMessage().length() > 0);
        Operation interrupted = stored(started.operation().id());
        assertEquals(OperationStatus.RUNNING, interrupted.status(), "a failure a retry may cure leaves it running");
        assertEquals(1, interrupted.failures().size());
        assertEquals("p2", interrupted.failures().get(0).provider());

        assertEquals(Result.PERFORMED, perform(started, false).result());
        assertEquals(2, f.storedKey("k").latestVersion());
        Operation done = stored(started.operation().id());
        assertEquals(OperationStatus.SUCCEEDED, done.status());
        assertEquals(2, done.attempts());
        assertEquals(List.of(), done.failures(), "the retry's progress replaces the interrupted one's");
    }

    @Test
    void onTheLastTryATransientFailureEndsTheOperationWithItsError() {
        Operations.Started started = rotate(null);
        f.vaultOf("p2").refuseNext(Op.IMPORT, 1, Reason.UNAVAILABLE);

        WorkOutcome outcome = perform(started, true);

        assertEquals(Result.FAILED, outcome.result());
        Operation failed = stored(started.operation().id());
        assertEquals(OperationStatus.FAILED, failed.status());
        assertTrue(failed.error().orElseThrow().startsWith("version 2 of key \"k\" was made, but 1 of 2 vaults did "
                + "not take it: p2: "), failed.error().orElseThrow());
        assertEquals(List.of(VaultOutcome.done("p1")), failed.outcomes().subList(0, 1));
    }

    @Test
    void aVaultThatRefusesEndsTheOperationAtOnceNamingThePermission() {
        Operations.Started started = rotate(null);
        f.vaultOf("p1").refuseUntilAllowed(Op.IMPORT, Reason.FORBIDDEN);

        WorkOutcome outcome = perform(started, false);

        assertEquals(Result.FAILED, outcome.result(), "a refusal is not retried: " + outcome.detail());
        Operation failed = stored(started.operation().id());
        assertTrue(failed.error().orElseThrow().contains("p1: "), failed.error().orElseThrow());
        assertTrue(failed.error().orElseThrow().contains("import"), failed.error().orElseThrow());
        assertEquals(List.of(VaultOutcome.done("p2")), failed.outcomes().stream().filter(VaultOutcome::succeeded)
                .toList(), "the other vault still took the version");
    }

    @Test
    void theSameIdempotencyKeyForAnotherRequestIsRefused() {
        rotate("run-1");
        KeyManagementException e = assertFault(Fault.IDEMPOTENCY_MISMATCH, () -> operations().start(
                OperationAction.REMOVE_KEY, params("key", "k", "provider", "p1"), Optional.of("run-1")));
        assertTrue(e.getMessage().contains("rotate-key of key \"k\""), e.getMessage());
        assertEquals(1, f.operationStore.size());
    }

    @Test
    void requestsAreCheckedFieldByField() {
        assertEquals("key: the name of the key is required", assertFault(Fault.INVALID_REQUEST, () ->
                operations().start(OperationAction.ROTATE_KEY, params(), Optional.empty())).getMessage());
        assertEquals("provider: the name of the KMS provider is required", assertFault(Fault.INVALID_REQUEST, () ->
                operations().start(OperationAction.REMOVE_KEY, params("key", "k"), Optional.empty())).getMessage());
        assertEquals("name: not a field of rotate-key; it takes key", assertFault(Fault.INVALID_REQUEST, () ->
                operations().start(OperationAction.ROTATE_KEY, params("key", "k", "name", "k"), Optional.empty()))
                .getMessage());
        assertTrue(assertFault(Fault.INVALID_REQUEST, () -> operations().start(OperationAction.DISTRIBUTE_KEY,
                params("key", "k", "provider", "p1", "protection", "paper"), Optional.empty())).getMessage()
                .contains("protection"));
        assertTrue(assertFault(Fault.INVALID_REQUEST, () -> rotate(" ")).getMessage().startsWith("Idempotency-Key"));
        assertFault(Fault.NOT_FOUND, () -> operations().start(OperationAction.ROTATE_KEY, params("key", "nope"),
                Optional.empty()));
        assertFault(Fault.NOT_FOUND, () -> operations().start(OperationAction.DISTRIBUTE_KEY,
                params("key", "k", "provider", "nope", "purpose", "encrypt"), Optional.empty()));
        assertEquals(0, f.operationStore.size(), "nothing refused is recorded");
    }

    @Test
    void aFirstDistributionNeedsAPurposeAndThenPutsTheKeyIntoTheVault() {
        f.provider("p3");
        assertTrue(assertFault(Fault.INVALID_REQUEST, () -> operations().start(OperationAction.DISTRIBUTE_KEY,
                params("key", "k", "provider", "p3"), Optional.empty())).getMessage().startsWith("purpose: required"));

        Operations.Started started = operations().start(OperationAction.DISTRIBUTE_KEY,
                params("key", "k", "provider", "p3", "purpose", List.of("sign", "verify"), "protection", "software"),
                Optional.of("d-1"));
        assertEquals(Result.PERFORMED, perform(started, false).result());

        assertEquals(1, f.vaultOf("p3").versions(f.distribution("p3", "k").azureKeyName()).size());
        assertEquals(List.of(VaultOutcome.done("p3")), stored(started.operation().id()).outcomes());
    }

    @Test
    void aRemovalTakesTheKeyOutOfOneVault() {
        Operations.Started started = operations().start(OperationAction.REMOVE_KEY,
                params("key", "k", "provider", "p1"), Optional.empty());
        String azureName = f.distribution("p1", "k").azureKeyName();

        assertEquals(Result.PERFORMED, perform(started, true).result());

        assertTrue(f.vaultOf("p1").isSoftDeleted(azureName));
        assertTrue(f.storedDistribution("p1", "k").isEmpty());
        assertFalse(f.storedDistribution("p2", "k").isEmpty());
    }

    @Test
    void aKeyDeletedBeforeItsRotationEndsTheOperationFailed() {
        Operations.Started started = rotate(null);
        for (String p : List.of("p1", "p2")) {
            f.distributions().remove(p, "k");
        }
        f.keys().write("k", params("deletion_allowed", true));
        f.keys().delete("k");

        assertEquals(Result.FAILED, perform(started, false).result());
        assertEquals(Optional.of("key \"k\" was deleted before it could be rotated"),
                stored(started.operation().id()).error());
    }

    @Test
    void operationsAreReadByTheirIdUntilTheyExpire() {
        Operations.Started started = rotate("run-1");
        String id = started.operation().id();
        assertEquals(32, id.length());
        assertNotEquals(id, rotate("run-2").operation().id());

        assertTrue(assertFault(Fault.NOT_FOUND, () -> operations().read("0123456789abcdef0123456789abcdef"))
                .getMessage().contains("never started here"));
        assertTrue(assertFault(Fault.NOT_FOUND, () -> operations().read("../key"))
                .getMessage().contains("32 hex digits"));

        f.clock.advance(EngineSettings.defaults().operationRetention().plus(Duration.ofSeconds(1)));
        assertTrue(assertFault(Fault.GONE, () -> operations().read(id)).getMessage().contains("expired"));
    }

    @Test
    void aMessageForAnOperationNeverRecordedIsSkipped() {
        WorkOutcome outcome = operations().perform(params("kind", "operation", "id", "0123456789abcdef0123456789abcdef"),
                false);
        assertEquals(Result.SKIPPED, outcome.result());
        assertFault(Fault.INVALID_REQUEST, () -> operations().perform(params("kind", "operation"), false));
    }
}
