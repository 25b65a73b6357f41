package io.keymgmt.testkit.functions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a non-HTTP invocation answered: the status and raw body of the worker's response and, when
 * the body is the custom-handler JSON {@code {"Outputs": {...}, "Logs": [...], "ReturnValue": ...}},
 * its three parts (empty or null otherwise). The real host counts a non-2xx status as a failed
 * invocation (and would then apply the function's retry policy, which the double does not).
 */
public record InvocationResult(int statusCode, String body, Map<String, Object> outputs, List<String> logs,
                               Object returnValue) {

    public InvocationResult {
        outputs = outputs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        logs = logs == null ? List.of() : List.copyOf(logs);
    }

    /** Whether the host would count the invocation as succeeded (a 2xx status). */
    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }
}
