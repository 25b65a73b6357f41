package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.assertFault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.engine.Scenarios.Scenario;
import io.keymgmt.engine.fakes.PortCalls;
import io.keymgmt.engine.fakes.StoreFaults;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.Stored;
import io.keymgmt.store.UnreadableRecordException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Storage failing under every public operation, at every call the operation makes to either store:
 * an outage is always STORAGE_UNAVAILABLE (503, retry), an unreadable record always STORAGE_FAILED
 * (502), never a raw exception and never INTERNAL.
 */
class StorageFailuresTest {

    @TempDir
    Path dir;

    static Stream<Scenario> everyOperation() {
        return Stream.concat(Scenarios.cheap().stream(), Scenarios.generating().stream());
    }

    static Stream<Scenario> cheapOperations() {
        return Scenarios.cheap().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void anOutageAtAnyStoreCallIsStorageUnavailable(Scenario scenario) {
        int failed = failEachCall(scenario, StoreFaults::outage, e -> {
            assertEquals(Fault.STORAGE_UNAVAILABLE, e.fault());
            assertEquals(503, e.fault().httpStatus());
            assertTrue(e.getMessage().startsWith("Table Storage is unavailable: reading key k: Table Storage could not"
                    + " be reached (ConnectException: Connection refused); retry later."), e.getMessage());
            assertInstanceOf(StoreException.class, e.getCause());
            return null;
        });
        assertTrue(failed > 0, scenario + " uses storage");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cheapOperations")
    void anUnreadableRecordAtAnyStoreCallIsStorageFailed(Scenario scenario) {
        failEachCall(scenario, StoreFaults::unreadable, e -> {
            assertEquals(Fault.STORAGE_FAILED, e.fault());
            assertEquals(502, e.fault().httpStatus());
            assertEquals("Table Storage returned a record this engine cannot read: entity k/key lacks LatestVersion",
                    e.getMessage());
            assertInstanceOf(UnreadableRecordException.class, e.getCause());
            return null;
        });
    }

    /** Store writes, each with the condition it reports when another writer got there first. */
    private static final Map<String, Supplier<RuntimeException>> LOST_RACES = Map.of(
            "CREATE", () -> new AlreadyExistsException("creating: it already exists", null),
            "UPDATE", StoreFaults::lostRace, "ADD_VERSION", StoreFaults::lostRace, "DELETE", StoreFaults::lostRace,
            "ADD_DISTRIBUTION", StoreFaults::lostRace, "UPDATE_DISTRIBUTION", StoreFaults::lostRace,
            "DELETE_DISTRIBUTION", StoreFaults::lostRace, "REPLACE", StoreFaults::lostRace,
            "ADD_MEMBER", StoreFaults::lostRace);

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void aLostRaceAtAnyStoreWriteIsRetriedOrReportedAsAConflict(Scenario scenario) {
        List<String> keyCalls;
        List<String> providerCalls;
        try (EngineFixture f = scenario.start(dir, "count")) {
            scenario.operation().accept(f);
            keyCalls = f.keyStore.calls().log();
            providerCalls = f.providerStore.calls().log();
        }
        for (boolean keys : new boolean[] {true, false}) {
            List<String> log = keys ? keyCalls : providerCalls;
            for (int call = 1; call <= log.size(); call++) {
                Supplier<RuntimeException> race = LOST_RACES.get(log.get(call - 1));
                if (race == null) {
                    continue;
                }
                try (EngineFixture f = scenario.start(dir, "race-" + keys + call)) {
                    PortCalls<?> port = keys ? f.keyStore.calls() : f.providerStore.calls();
                    port.failCall(call, race);
                    String where = scenario + ", lost race at " + log.get(call - 1) + " (call " + call + ")";
                    try {
                        scenario.operation().accept(f);
                    } catch (KeyManagementException e) {
                        assertEquals(Fault.CONFLICT, e.fault(), where + ": " + e.getMessage());
                        assertTrue(e.getMessage().contains("retry") || e.getMessage().contains("repeat"),
                                where + ": " + e.getMessage());
                    } catch (RuntimeException e) {
                        throw new AssertionError(where + ": a raw " + e.getClass().getName() + " escaped", e);
                    }
                    assertFalse(port.pending(), where + " was reached");
                }
            }
        }
    }

    @Test
    void aVersionTheHeaderCountsButStorageLacksIsStorageFailed() {
        try (EngineFixture f = new EngineFixture(dir)) {
            f.provider("p");
            f.seedKey("k", 2);
            // Only a broken store can hold a header counting three versions beside two.
            f.quietly(() -> {
                Stored<ManagedKey> header = f.keyStore.find("k").orElseThrow();
                f.keyStore.update(new ManagedKey("k", header.value().type(), 3, 1, false, header.value().createdAt(),
                        header.value().updatedAt()), header.etag());
            });

            KeyManagementException e = assertFault(Fault.STORAGE_FAILED,
                    () -> f.distribute("p", "k", "encrypt", "software"));

            assertEquals("version 3 of key \"k\" is missing from storage", e.getMessage());
            assertEquals(2, f.distribution("p", "k").azureVersions().size(), "versions 1 and 2 went in");
        }
    }

    /** Runs the scenario once to count its store calls, then once per call with that call failed. */
    private int failEachCall(Scenario scenario, Supplier<? extends RuntimeException> fault,
            Function<KeyManagementException, Void> check) {
        int keyCalls;
        int providerCalls;
        try (EngineFixture f = scenario.start(dir, "count")) {
            scenario.operation().accept(f);
            keyCalls = f.keyStore.calls().total();
            providerCalls = f.providerStore.calls().total();
        }
        for (int n = 1; n <= keyCalls + providerCalls; n++) {
            boolean keys = n <= keyCalls;
            int call = keys ? n : n - keyCalls;
            try (EngineFixture f = scenario.start(dir, (keys ? "k" : "p") + call)) {
                PortCalls<?> port = keys ? f.keyStore.calls() : f.providerStore.calls();
                port.failCall(call, fault);
                KeyManagementException e = failureOf(scenario, keys, call, () -> scenario.operation().accept(f));
                check.apply(e);
                assertFalse(port.pending(), scenario + ": call " + call + " was reached");
            }
        }
        return keyCalls + providerCalls;
    }

    private static KeyManagementException failureOf(Scenario scenario, boolean keys, int call, Runnable operation) {
        try {
            operation.run();
        } catch (KeyManagementException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError(scenario + ", " + (keys ? "key" : "provider") + " store call " + call
                    + ": a raw " + e.getClass().getName() + " escaped", e);
        }
        throw new AssertionError(scenario + ", " + (keys ? "key" : "provider") + " store call " + call
                + ": the failure was swallowed");
    }

    @Test
    void theScenariosCoverEveryPublicOperation() {
        Set<String> operations = new TreeSet<>();
        for (Class<?> type : List.of(Keys.class, Providers.class, Distributions.class, Rotations.class)) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()) {
                    operations.add(type.getSimpleName() + "." + m.getName());
                }
            }
        }
        Set<String> covered = everyOperation().map(Scenario::covers).collect(Collectors.toCollection(TreeSet::new));

        assertEquals(operations, covered);
    }
}
