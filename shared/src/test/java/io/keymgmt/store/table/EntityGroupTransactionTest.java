package io.keymgmt.store.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction helper on its own: the ETags it reports are the entities' real ones, and it refuses
 * transactions the service would refuse even where Azurite would accept them.
 */
class EntityGroupTransactionTest {

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private TableClient captured;
    private TableClient plain;

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
        String prefix = StoreFixture.prefix("tx");
        fixture.tables(prefix);
        captured = fixture.capturingTable(prefix + "keys");
        plain = fixture.rawTable(prefix + "keys");
    }

    private static TableTransactionAction create(String partition, String row) {
        return new TableTransactionAction(TableTransactionActionType.CREATE, new TableEntity(partition, row));
    }

    @Test
    void reportsTheEtagOfEveryInsertAndUpdateInOrder() {
        plain.createEntity(new TableEntity("p", "existing"));
        TableEntity existing = plain.getEntity("p", "existing");

        EntityGroupTransaction done = EntityGroupTransaction.submit(captured, "test", List.of(
                create("p", "a"),
                new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, existing, true),
                create("p", "b")));

        assertEquals(plain.getEntity("p", "a").getETag(), done.etag(0));
        assertEquals(plain.getEntity("p", "existing").getETag(), done.etag(1));
        assertEquals(plain.getEntity("p", "b").getETag(), done.etag(2));
    }

    @Test
    void refusesMoreThanAHundredOperations() {
        List<TableTransactionAction> operations = new ArrayList<>();
        for (int i = 0; i <= EntityGroupTransaction.MAX_OPERATIONS; i++) {
            operations.add(create("p", "r" + i));
        }

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EntityGroupTransaction.submit(captured, "filling p", operations));

        assertTrue(refused.getMessage().contains("1 to 100 operations, not 101"), refused.getMessage());
        assertTrue(plain.listEntities().stream().findAny().isEmpty(), "nothing was sent");
    }

    @Test
    void refusesATransactionAcrossPartitions() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EntityGroupTransaction.submit(captured, "spreading", List.of(create("p", "a"), create("q", "a"))));

        assertTrue(refused.getMessage().contains("\"p\" and \"q\""), refused.getMessage());
        assertTrue(plain.listEntities().stream().findAny().isEmpty(), "nothing was sent");
    }

    @Test
    void saysSoWhenTheClientDoesNotCaptureEtags() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> EntityGroupTransaction.submit(plain, "writing", List.of(create("p", "a"))));

        assertTrue(refused.getMessage().contains("build it through TableStorage"), refused.getMessage());
    }
}
