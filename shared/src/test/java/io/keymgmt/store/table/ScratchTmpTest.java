package io.keymgmt.store.table;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
class ScratchTmpTest {
    @TempDir Path dir;
    @Test void t() {
        try (StoreFixture fx = new StoreFixture(dir.resolve("kek.key"))) {
            TableKeyStore store = fx.freshTables("scratch").keys();
            store.create(StoreFixture.key("fine"), fx.version("fine", 1));
            try { store.create(StoreFixture.key("far").withRotationPeriod(Duration.ofDays(999_999_999L), StoreFixture.T0), fx.version("far", 1)); System.out.println("CREATE ok"); } catch (RuntimeException e) { System.out.println("CREATE " + e); }
            try { System.out.println("LIST " + store.listNames()); } catch (RuntimeException e) { System.out.println("LIST " + e); }
            try { System.out.println("ALL " + store.allKeys().size()); } catch (RuntimeException e) { System.out.println("ALL " + e); }
            try { System.out.println("DUE " + store.dueForRotation(StoreFixture.T0.plus(Duration.ofDays(3650)), 10).size()); } catch (RuntimeException e) { System.out.println("DUE " + e); }
            try { System.out.println("FIND " + store.find("far").isPresent()); } catch (RuntimeException e) { System.out.println("FIND " + e); }
            try { System.out.println("VERSIONS " + store.versions("far").size()); } catch (RuntimeException e) { System.out.println("VERSIONS " + e); }
        }
    }
}
