package io.keymgmt.operations;

import java.util.Locale;

/** Where an operation stands; only {@link #RUNNING} ever changes. */
public enum OperationStatus {
    RUNNING, SUCCEEDED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this != RUNNING;
    }

    public static OperationStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
