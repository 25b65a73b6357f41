package io.keymgmt.engine.fakes;

import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.UnreadableRecordException;
import java.net.ConnectException;

/** The store failures the adapter produces, in its words, for injection into the fakes. */
public final class StoreFaults {

    private StoreFaults() {
    }

    /** Table Storage down: what the adapter makes of a refused connection. */
    public static StoreException outage() {
        return new StoreException("reading key k: Table Storage could not be reached (ConnectException: Connection "
                + "refused)", new ConnectException("Connection refused"));
    }

    /** A conditional write that lost to another writer. */
    public static ConcurrentUpdateException lostRace() {
        return new ConcurrentUpdateException("updating key k: it changed since it was read; read it again", null);
    }

    /** A record this engine cannot have written. */
    public static UnreadableRecordException unreadable() {
        return new UnreadableRecordException("entity k/key lacks LatestVersion");
    }
}
