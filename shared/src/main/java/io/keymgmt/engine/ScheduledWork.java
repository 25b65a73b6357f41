package io.keymgmt.engine;

import java.util.Map;

/**
 * One item of work the timer puts on the queue.
 *
 * @param message plain JSON values, for the adapter to encode: {@code {"kind":"rotate","key":...,
 *     "expected_version":...,"due_at":...}} or {@code {"kind":"sync","key":...,"provider":...}}
 * @param description what it is, for the log
 */
public record ScheduledWork(Map<String, Object> message, String description) {

    public ScheduledWork {
        message = Map.copyOf(message);
    }
}
