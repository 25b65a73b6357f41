package io.keymgmt.store.table;

import com.azure.data.tables.models.TableServiceException;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StoreException;

/** Turns Table Storage's status codes into the conditions the engine acts on. */
final class TableErrors {

    private TableErrors() {
    }

    static StoreException translate(String what, TableServiceException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        return switch (status) {
            // 404 on a conditional write: the entity was deleted since it was read, which is a lost race too.
            case 412, 404 -> new ConcurrentUpdateException(what + ": changed concurrently, read it again", e);
            case 409 -> new AlreadyExistsException(what + ": already exists", e);
            default -> new StoreException(what + ": Table Storage answered " + status + " ("
                    + firstLine(e.getMessage()) + ")", e);
        };
    }

    static int status(TableServiceException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
