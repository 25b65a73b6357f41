package io.keymgmt.operations;

import java.util.Arrays;
import java.util.Optional;

/** The long-running actions a workflow starts; each becomes an {@link Operation} that any instance can report on. */
public enum OperationAction {
    /** Add a version to a key and put it into every vault the key is in. */
    ROTATE_KEY("rotate-key"),
    /** Put a key (every version) into one KMS provider's vault. */
    DISTRIBUTE_KEY("distribute-key"),
    /** Take a key out of one KMS provider's vault (a soft delete there). */
    REMOVE_KEY("remove-key");

    private final String wireName;

    OperationAction(String wireName) {
        this.wireName = wireName;
    }

    /** The action's name in its URL and in operation records. */
    public String wireName() {
        return wireName;
    }

    public static Optional<OperationAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst();
    }
}
