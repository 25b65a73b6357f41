package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.operations.Operation;
import io.keymgmt.operations.OperationAction;
import io.keymgmt.operations.OperationStatus;
import io.keymgmt.operations.VaultOutcome;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.Stored;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations on Azurite: every field comes back as written, creates do not overwrite, replaces need the ETag. */
class TableOperationStoreTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableOperationStore store;

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
        store = fixture.tables(StoreFixture.prefix("operations")).operations();
    }

    private static Operation distribution() {
        return new Operation(ID, OperationAction.DISTRIBUTE_KEY, "payments", Optional.of("kv1"),
                Optional.of("decrypt,encrypt"), Optional.of("hsm"), "f".repeat(32), OperationStatus.RUNNING, 0, 1,
                List.of(), Optional.empty(), Optional.empty(), 0, T0, T0, T0.plus(Duration.ofDays(7)));
    }

    @Test
    void anOperationComesBackAsWrittenAtEveryStep() {
        Operation created = distribution();
        Stored<Operation> stored = store.create(created);
        assertEquals(created, store.find(ID).orElseThrow().value());
        assertEquals(stored.etag(), store.find(ID).orElseThrow().etag());

        Operation failed = created.attempted(T0.plusSeconds(1))
                .withOutcome(VaultOutcome.failed("kv1", "the identity lacks keys/import permission"), T0.plusSeconds(2))
                .failed("the identity lacks keys/import permission", T0.plusSeconds(3));
        Stored<Operation> replaced = store.replace(failed, stored.etag());
        assertNotEquals(stored.etag(), replaced.etag());
        assertEquals(failed, store.find(ID).orElseThrow().value());

        Operation rotation = new Operation("fedcba9876543210fedcba9876543210", OperationAction.ROTATE_KEY, "k",
                Optional.empty(), Optional.empty(), Optional.empty(), "a".repeat(32), OperationStatus.SUCCEEDED, 3, 2,
                List.of(VaultOutcome.done("p1"), VaultOutcome.done("p2")), Optional.of(4), Optional.empty(), 1, T0, T0,
                T0.plusSeconds(60));
        store.create(rotation);
        assertEquals(rotation, store.find(rotation.id()).orElseThrow().value());
        assertTrue(store.find("00000000000000000000000000000000").isEmpty());
    }

    @Test
    void aSecondCreateAndAStaleReplaceAreRefused() {
        Stored<Operation> first = store.create(distribution());
        assertThrows(AlreadyExistsException.class, () -> store.create(distribution()));
        store.replace(first.value().attempted(T0.plusSeconds(1)), first.etag());
        assertThrows(ConcurrentUpdateException.class, () -> store.replace(first.value().succeeded(T0), first.etag()));
        assertEquals(1, store.find(ID).orElseThrow().value().attempts());
    }

    @Test
    void longErrorsAreCutToFitAProperty() {
        Stored<Operation> first = store.create(distribution());
        String huge = "x".repeat(50_000);
        store.replace(first.value().withOutcome(VaultOutcome.failed("kv1", huge), T0).failed(huge, T0), first.etag());
        Operation read = store.find(ID).orElseThrow().value();
        assertEquals(1000, read.outcomes().get(0).error().orElseThrow().length());
        assertEquals(8000, read.error().orElseThrow().length());
        assertTrue(read.error().orElseThrow().endsWith("..."));
    }
}
