package io.keymgmt.engine;

import io.keymgmt.seal.SealingException;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.StoreException;
import io.keymgmt.store.UnreadableRecordException;
import java.util.function.Supplier;

/**
 * Where a public operation hands its failure to the caller: every fault of a port (storage, the
 * sealing key) becomes a {@link KeyManagementException} with the status that says whose fault it
 * was, so each entry point (REST, actions, timer, queue) needs to know only that one type.
 */
final class Boundary {

    private Boundary() {
    }

    static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (KeyManagementException e) {
            throw e;
        } catch (ConcurrentUpdateException | AlreadyExistsException e) {
            // The operations retry these; one that still escapes lost every retry to other writers.
            throw new KeyManagementException(Fault.CONFLICT, "the record changed while this request was being "
                    + "handled (" + e.getMessage() + "); retry", null, e);
        } catch (StillReferencedException e) {
            throw new KeyManagementException(Fault.INVALID_REQUEST, e.getMessage(), null, e);
        } catch (UnreadableRecordException e) {
            throw new KeyManagementException(Fault.STORAGE_FAILED, "Table Storage returned a record this engine "
                    + "cannot read: " + e.getMessage(), null, e);
        } catch (StoreException e) {
            throw new KeyManagementException(Fault.STORAGE_UNAVAILABLE, "Table Storage is unavailable: "
                    + e.getMessage() + "; retry later.", null, e);
        } catch (SealingException e) {
            throw new KeyManagementException(Fault.SEALING_FAILED, "the sealing key could not be used: "
                    + e.getMessage(), null, e);
        }
    }

    static void run(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }
}
