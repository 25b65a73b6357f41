package io.keymgmt.engine.fakes;

import io.keymgmt.operations.Operation;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.OperationStore;
import io.keymgmt.store.Stored;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link OperationStore} in memory, with the Table adapter's contract: a new ETag on every write, a
 * create that fails on an existing id, a replace that fails on a stale or missing record. Faults and
 * interleavings go through {@link #calls()}.
 */
public final class InMemoryOperationStore implements OperationStore {

    /** The port's methods, for counting and fault injection. */
    public enum Call {
        FIND, CREATE, REPLACE
    }

    private final Map<String, Stored<Operation>> operations = new TreeMap<>();
    private final PortCalls<Call> calls = new PortCalls<>(Call.class);

    public PortCalls<Call> calls() {
        return calls;
    }

    /** The stored operation, unobserved. */
    public synchronized Optional<Stored<Operation>> stored(String id) {
        return Optional.ofNullable(operations.get(id));
    }

    public synchronized int size() {
        return operations.size();
    }

    @Override
    public synchronized Optional<Stored<Operation>> find(String id) {
        calls.enter(Call.FIND);
        return Optional.ofNullable(operations.get(id));
    }

    @Override
    public synchronized Stored<Operation> create(Operation operation) {
        calls.enter(Call.CREATE);
        if (operations.containsKey(operation.id())) {
            throw new AlreadyExistsException("creating operation " + operation.id() + ": it already exists", null);
        }
        Stored<Operation> stored = new Stored<>(operation, Etags.next());
        operations.put(operation.id(), stored);
        return stored;
    }

    @Override
    public synchronized Stored<Operation> replace(Operation operation, String etag) {
        calls.enter(Call.REPLACE);
        Stored<Operation> current = operations.get(operation.id());
        if (current == null || !current.etag().equals(etag)) {
            throw new ConcurrentUpdateException("updating operation " + operation.id() + ": it changed since it was read", null);
        }
        Stored<Operation> stored = new Stored<>(operation, Etags.next());
        operations.put(operation.id(), stored);
        return stored;
    }
}
