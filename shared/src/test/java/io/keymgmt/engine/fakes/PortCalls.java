package io.keymgmt.engine.fakes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The calls made to one fake port, and the faults to inject into them. Every method of a fake calls
 * {@link #enter} first: that counts the call, runs what was scheduled to happen just before it
 * (another instance changing a record between our read and our write), then throws what was
 * scheduled to fail it (a lost race, an outage, a refusal).
 *
 * <p>What the scheduled actions do themselves goes unobserved: their calls are neither counted nor
 * intercepted, so counts say exactly what the code under test did.
 *
 * @param <M> the port's methods
 */
public final class PortCalls<M extends Enum<M>> {

    private final Map<M, Integer> counts;
    private final Map<M, Deque<Supplier<? extends RuntimeException>>> failures;
    private final Map<M, Supplier<? extends RuntimeException>> standingFailures;
    private final Map<M, Deque<Runnable>> before;
    private final Map<M, List<int[]>> nth;
    private final Map<M, List<Supplier<? extends RuntimeException>>> nthFailures;
    private final List<String> log = new ArrayList<>();
    private int total;
    private int failAtCall;
    private Supplier<? extends RuntimeException> failAtCallWith;
    private int unobserved;

    public PortCalls(Class<M> methods) {
        counts = new EnumMap<>(methods);
        failures = new EnumMap<>(methods);
        standingFailures = new EnumMap<>(methods);
        before = new EnumMap<>(methods);
        nth = new EnumMap<>(methods);
        nthFailures = new EnumMap<>(methods);
    }

    /** Counts the call, runs the scheduled action, throws the scheduled failure. For the fakes. */
    synchronized void enter(M method) {
        if (unobserved > 0) {
            return;
        }
        counts.merge(method, 1, Integer::sum);
        total++;
        log.add(method.name());
        Deque<Runnable> actions = before.get(method);
        if (actions != null && !actions.isEmpty()) {
            Runnable action = actions.poll();
            unobserved(action);
        }
        if (failAtCallWith != null && total == failAtCall) {
            Supplier<? extends RuntimeException> failure = failAtCallWith;
            failAtCallWith = null;
            throw failure.get();
        }
        List<int[]> targets = nth.get(method);
        if (targets != null) {
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i)[0] == counts.get(method)) {
                    targets.remove(i);
                    throw nthFailures.get(method).remove(i).get();
                }
            }
        }
        Deque<Supplier<? extends RuntimeException>> queued = failures.get(method);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll().get();
        }
        Supplier<? extends RuntimeException> standing = standingFailures.get(method);
        if (standing != null) {
            throw standing.get();
        }
    }

    /** The next {@code times} calls of {@code method} fail with what {@code failure} makes. */
    public synchronized PortCalls<M> failNext(M method, int times, Supplier<? extends RuntimeException> failure) {
        Deque<Supplier<? extends RuntimeException>> queued = failures.computeIfAbsent(method, m -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queued.add(failure);
        }
        return this;
    }

    /** Every call of {@code method} fails until {@link #heal}. */
    public synchronized PortCalls<M> failUntilHealed(M method, Supplier<? extends RuntimeException> failure) {
        standingFailures.put(method, failure);
        return this;
    }

    /** Drops every scheduled failure of {@code method}. */
    public synchronized PortCalls<M> heal(M method) {
        standingFailures.remove(method);
        failures.remove(method);
        nth.remove(method);
        nthFailures.remove(method);
        return this;
    }

    /**
     * The {@code n}th call from now, whatever its method, fails (1 is the next call). For sweeps
     * that fail each call of an operation in turn.
     */
    public synchronized PortCalls<M> failCall(int n, Supplier<? extends RuntimeException> failure) {
        failAtCall = total + n;
        failAtCallWith = failure;
        return this;
    }

    /** The {@code n}th call of {@code method} from now fails (1 is the next one); the calls before it succeed. */
    public synchronized PortCalls<M> failNthCall(M method, int n, Supplier<? extends RuntimeException> failure) {
        nth.computeIfAbsent(method, m -> new ArrayList<>()).add(new int[] {counts.getOrDefault(method, 0) + n});
        nthFailures.computeIfAbsent(method, m -> new ArrayList<>()).add(failure);
        return this;
    }

    /** Runs {@code action}, unobserved, just before the next call of {@code method} does its work. */
    public synchronized PortCalls<M> beforeNext(M method, Runnable action) {
        before.computeIfAbsent(method, m -> new ArrayDeque<>()).add(action);
        return this;
    }

    /** Runs {@code action} without counting or intercepting the calls it makes: test set-up, another instance. */
    public synchronized void unobserved(Runnable action) {
        unobserved++;
        try {
            action.run();
        } finally {
            unobserved--;
        }
    }

    public synchronized int count(M method) {
        return counts.getOrDefault(method, 0);
    }

    /** Calls of every method so far. */
    public synchronized int total() {
        return total;
    }

    /** The methods called, in order. */
    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    /** Whether a scheduled failure or action is still waiting for its call. */
    public synchronized boolean pending() {
        return failAtCallWith != null || failures.values().stream().anyMatch(q -> !q.isEmpty())
                || nth.values().stream().anyMatch(q -> !q.isEmpty())
                || before.values().stream().anyMatch(q -> !q.isEmpty());
    }

    /** Forgets the counts; scheduled faults stay, those given by position still counting from when they were given. */
    public synchronized void resetCounts() {
        nth.forEach((method, targets) -> targets.forEach(t -> t[0] -= counts.getOrDefault(method, 0)));
        counts.clear();
        log.clear();
        failAtCall -= total;
        total = 0;
    }
}
