package io.keymgmt.hosting;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Invocation payloads shaped as the Functions host sends them to a custom handler (and binds them
 * for the Java worker): learn.microsoft.com functions-custom-handlers (request payload: Data keyed by
 * binding name, Metadata with trigger metadata and sys), functions-bindings-timer (TimerInfo:
 * Schedule, ScheduleStatus, IsPastDue) and functions-bindings-storage-queue-trigger (DequeueCount,
 * ExpirationTime, Id, InsertionTime, NextVisibleTime, PopReceipt).
 */
final class HostPayloads {

    private HostPayloads() {
    }

    static Map<String, Object> timerData() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("Last", now.minusSeconds(300).toString());
        status.put("Next", now.plusSeconds(300).toString());
        status.put("LastUpdated", now.minusSeconds(300).toString());
        Map<String, Object> timer = new LinkedHashMap<>();
        timer.put("Schedule", Map.of("AdjustForDST", true));
        timer.put("ScheduleStatus", status);
        timer.put("IsPastDue", false);
        return Map.of("timer", timer);
    }

    static Map<String, Object> timerMetadata(String functionName) {
        return Map.of("timer", timerData().get("timer"), "sys", sys(functionName));
    }

    static Map<String, Object> queueData(String message) {
        return Map.of("message", message);
    }

    static Map<String, Object> queueMetadata(String functionName, String id, int dequeueCount) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("DequeueCount", dequeueCount);
        metadata.put("ExpirationTime", now.plus(7, ChronoUnit.DAYS).toString());
        metadata.put("Id", id);
        metadata.put("InsertionTime", now.minusSeconds(1).toString());
        metadata.put("NextVisibleTime", now.plusSeconds(600).toString());
        metadata.put("PopReceipt", UUID.randomUUID().toString());
        metadata.put("sys", sys(functionName));
        return metadata;
    }

    private static Map<String, Object> sys(String functionName) {
        return Map.of("MethodName", functionName, "UtcNow", Instant.now().toString(),
                "RandGuid", UUID.randomUUID().toString());
    }
}
