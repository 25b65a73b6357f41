package io.keymgmt.store.table;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableTransactionAction;
import io.keymgmt.store.UnreadableRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entity group transaction, and the ETag each of its operations produced.
 *
 * <p>azure-data-tables (12.5.9) parses the headers of a transaction's sub-responses but never hands
 * them on: every {@code TableTransactionActionResponse} has empty headers, although the service (and
 * Azurite) send an {@code ETag} for each insert and update. Reading the entity back afterwards would
 * race with other writers, so {@link TransactionEtagCapture}, a policy in the client's pipeline,
 * reads the ETags out of the multipart answer itself and records them here, found through the
 * request's {@link Context}. That is why the stores only work on clients built by {@link TableStorage}.
 */
final class EntityGroupTransaction {

    /** Table Storage's limit of operations per entity group transaction. */
    static final int MAX_OPERATIONS = 100;

    private static final String CONTEXT_KEY = EntityGroupTransaction.class.getName();

    private final List<String> etags = new ArrayList<>();
    private boolean answered;

    private EntityGroupTransaction() {
    }

    /**
     * Submits the operations as one transaction.
     *
     * @param what says what the transaction does, for error messages
     * @throws IllegalArgumentException if the operations span partitions or exceed the service's limit,
     *     which the service would refuse (Azurite accepts both)
     */
    static EntityGroupTransaction submit(TableClient table, String what, List<TableTransactionAction> operations) {
        if (operations.isEmpty() || operations.size() > MAX_OPERATIONS) {
            throw new IllegalArgumentException(what + ": a transaction holds 1 to " + MAX_OPERATIONS
                    + " operations, not " + operations.size());
        }
        String partition = operations.get(0).getEntity().getPartitionKey();
        for (TableTransactionAction operation : operations) {
            if (!partition.equals(operation.getEntity().getPartitionKey())) {
                throw new IllegalArgumentException(what + ": a transaction must stay in one partition, but it touches \""
                        + partition + "\" and \"" + operation.getEntity().getPartitionKey() + "\"");
            }
        }
        EntityGroupTransaction transaction = new EntityGroupTransaction();
        try {
            table.submitTransactionWithResponse(operations, null, new Context(CONTEXT_KEY, transaction));
        } catch (RuntimeException e) {
            throw TableErrors.translate(what, e);
        }
        synchronized (transaction) {
            if (!transaction.answered) {
                throw new IllegalStateException(what + ": the Table Storage client does not capture transaction"
                        + " ETags; build it through TableStorage");
            }
            if (transaction.etags.size() != operations.size()) {
                throw new UnreadableRecordException(what + ": Table Storage answered " + transaction.etags.size()
                        + " operations of a transaction of " + operations.size());
            }
        }
        return transaction;
    }

    /** The ETag the operation at {@code index} (in submission order) gave its entity. */
    synchronized String etag(int index) {
        String etag = etags.get(index);
        if (etag == null) {
            throw new UnreadableRecordException("Table Storage returned no ETag for operation " + index + " of a transaction");
        }
        return etag;
    }

    static Optional<EntityGroupTransaction> of(HttpPipelineCallContext context) {
        return context.getData(CONTEXT_KEY).filter(EntityGroupTransaction.class::isInstance)
                .map(EntityGroupTransaction.class::cast);
    }

    /**
     * Records the ETags in a transaction's multipart answer: one entry per sub-response
     * ({@code HTTP/1.1 <status>} line), its {@code ETag} header or null. A retried request records anew.
     */
    synchronized void recordAnswer(String multipartBody) {
        etags.clear();
        answered = true;
        boolean inHeaders = false;
        for (String line : multipartBody.split("\r?\n", -1)) {
            if (line.startsWith("HTTP/1.1 ")) {
                etags.add(null);
                inHeaders = true;
            } else if (inHeaders && line.isEmpty()) {
                inHeaders = false;
            } else if (inHeaders && line.regionMatches(true, 0, "ETag:", 0, 5)) {
                etags.set(etags.size() - 1, line.substring(5).trim());
            }
        }
    }
}
