package io.keymgmt.store;

import io.keymgmt.operations.Operation;
import java.util.Optional;

/**
 * Operation records: one per operation, read by any instance. Every change is a conditional write, so
 * two workers given the same operation (a redelivered message) cannot overwrite each other unseen.
 */
public interface OperationStore {

    Optional<Stored<Operation>> find(String id);

    /** @throws AlreadyExistsException if an operation with that id is recorded (a repeated request) */
    Stored<Operation> create(Operation operation);

    /** @throws ConcurrentUpdateException if the record changed since {@code etag} was read */
    Stored<Operation> replace(Operation operation, String etag);
}
