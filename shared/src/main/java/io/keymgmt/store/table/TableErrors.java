package io.keymgmt.store.table;

import com.azure.core.exception.AzureException;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceException;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.StoreException;
import java.io.UncheckedIOException;

/**
 * Turns Table Storage's answers into the conditions the engine acts on.
 *
 * <p>A failed entity group transaction arrives as a {@code TableTransactionFailedException} without an
 * HTTP response (the batch as a whole answered 202), so its status code reads as 0 and only the error
 * code of the failed operation tells what happened. Both are consulted.
 */
final class TableErrors {

    private TableErrors() {
    }

    /**
     * A failure of a call to Table Storage: the service's answers become the store's conditions, a
     * connection or authentication failure an outage; anything else (a bug of ours) passes unchanged.
     */
    static RuntimeException translate(String what, RuntimeException e) {
        if (e instanceof StoreException stored) {
            return stored;
        }
        if (e instanceof TableServiceException service) {
            return translate(what, service);
        }
        if (e instanceof UncheckedIOException || e instanceof AzureException) {
            // Connection refused or reset, a timeout, a token the identity could not get.
            return new StoreException(what + ": Table Storage could not be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
        return e;
    }

    static StoreException translate(String what, TableServiceException e) {
        int status = status(e);
        TableErrorCode code = code(e);
        if (TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(code) || status == 412) {
            return new ConcurrentUpdateException(what + ": it changed since it was read; read it again", e);
        }
        if (TableErrorCode.RESOURCE_NOT_FOUND.equals(code) || TableErrorCode.ENTITY_NOT_FOUND.equals(code)
                || (code == null && status == 404)) {
            // On a conditional write the entity was deleted since it was read, which is a lost race too.
            return new ConcurrentUpdateException(what + ": it no longer exists; read it again", e);
        }
        if (TableErrorCode.ENTITY_ALREADY_EXISTS.equals(code) || (code == null && status == 409)) {
            return new AlreadyExistsException(what + ": it already exists", e);
        }
        return new StoreException(what + ": Table Storage answered " + (status == 0 ? "" : status + " ")
                + (code == null ? "" : code + " ") + "(" + firstLine(message(e)) + ")", e);
    }

    static int status(TableServiceException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static TableErrorCode code(TableServiceException e) {
        return e.getValue() == null ? null : e.getValue().getErrorCode();
    }

    private static String message(TableServiceException e) {
        return e.getValue() != null && e.getValue().getErrorMessage() != null ? e.getValue().getErrorMessage()
                : e.getMessage();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
