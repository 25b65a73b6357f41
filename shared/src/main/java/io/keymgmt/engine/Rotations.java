package io.keymgmt.engine;

import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.Stored;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduled rotation and the reconciler. The timer asks {@link #plan} what is due and queues one
 * message per item; the queue function hands each message to {@link #perform}. Delivery is at least
 * once and workers run in parallel, so every item is safe to do twice: a rotation names the version it
 * replaces, and the header's ETag lets only one worker add the next.
 */
public final class Rotations {

    static final String ROTATE = "rotate";
    static final String SYNC = "sync";

    private final KeyStore keys;
    private final Keys keyOperations;
    private final Distributions distributions;
    private final EngineSettings settings;
    private final Operations operations;

    Rotations(KeyStore keys, Keys keyOperations, Distributions distributions, EngineSettings settings,
            Operations operations) {
        this.keys = keys;
        this.keyOperations = keyOperations;
        this.distributions = distributions;
        this.settings = settings;
        this.operations = operations;
    }

    /**
     * What is due at {@code now}: a rotation for every key whose period has passed since its latest version
     * (one query of the due headers, by the header's next-rotation time), then a resume for every
     * distribution left behind whose backoff has passed (one query of the headers and one of the
     * distribution records; versions are never read). At most {@code limit} items.
     */
    public List<ScheduledWork> plan(Instant now, int limit) {
        return Boundary.call(() -> {
            List<ScheduledWork> work = new ArrayList<>();
            for (Stored<ManagedKey> due : keys.dueForRotation(now, limit)) {
                ManagedKey key = due.value();
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("kind", ROTATE);
                message.put("key", key.name());
                message.put("expected_version", key.latestVersion());
                message.put("due_at", key.nextRotationAt().orElse(now).toString());
                work.add(new ScheduledWork(message, "rotation of key \"" + key.name() + "\" past version "
                        + key.latestVersion() + ", due " + message.get("due_at")));
            }
            if (work.size() >= limit) {
                return work;
            }
            Map<String, ManagedKey> headers = new HashMap<>();
            for (Stored<ManagedKey> key : keys.allKeys()) {
                headers.put(key.value().name(), key.value());
            }
            for (Stored<Distribution> stored : keys.allDistributions()) {
                Distribution d = stored.value();
                ManagedKey key = headers.get(d.keyName());
                if (key == null || d.state() == DistributionState.REMOVING || !leftBehind(d, key, now)) {
                    continue;
                }
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("kind", SYNC);
                message.put("key", d.keyName());
                message.put("provider", d.providerName());
                work.add(new ScheduledWork(message, "resume of key \"" + d.keyName() + "\" in KMS provider \""
                        + d.providerName() + "\"" + (d.failedAttempts() > 0 ? " after " + d.failedAttempts()
                        + " failed attempts" : "")));
                if (work.size() >= limit) {
                    break;
                }
            }
            return work;
        });
    }

    /**
     * A distribution needs a resume when it stopped (an error, a state other than active) or lags its
     * key (a crash leaves no error). It is left alone until its backoff passes; one with no failure
     * recorded gets the first backoff's grace, so a distribution being made right now is not raced.
     */
    private boolean leftBehind(Distribution d, ManagedKey key, Instant now) {
        boolean behind = d.state() != DistributionState.ACTIVE || d.lastError().isPresent()
                || d.isBehind(key.latestVersion(), key.minEnabledVersion());
        if (!behind) {
            return false;
        }
        Instant notBefore = d.retryAt().orElse(d.updatedAt().plus(settings.retryBackoff()));
        return !now.isBefore(notBefore);
    }

    /**
     * Does one queued item. A rotation happens only if the key is still at the version the message names
     * and still due; every distribution is then brought up to date either way.
     *
     * @throws KeyManagementException INVALID_REQUEST for a message that can never work; otherwise the
     *     fault of what failed, so the host retries the message
     */
    public WorkOutcome perform(Parameters message) {
        return perform(message, false);
    }

    /**
     * Does one queued item, as {@link #perform(Parameters)}; an operation a workflow started (kind
     * {@value Operations#OPERATION}) goes to {@link Operations#perform}.
     *
     * @param lastTry whether the host gives up on the message after this try: an operation then ends
     *     as failed instead of being left running
     */
    public WorkOutcome perform(Parameters message, boolean lastTry) {
        return Boundary.call(() -> {
            String kind = message.text("kind").orElseThrow(() -> KeyManagementException.invalid(
                    "the message has no kind: it must be " + KINDS));
            return switch (kind) {
                case ROTATE -> rotate(message);
                case SYNC -> sync(message);
                case Operations.OPERATION -> operations.perform(message, lastTry);
                default -> throw KeyManagementException.invalid("unknown kind of message \"" + kind
                        + "\": it must be " + KINDS);
            };
        });
    }

    private static final String KINDS = "\"" + ROTATE + "\", \"" + SYNC + "\" or \"" + Operations.OPERATION + "\"";

    private WorkOutcome rotate(Parameters message) {
        String name = Names.requireKeyName(required(message.text("key"), "key"));
        int expected = required(message.integer("expected_version"), "expected_version");
        message.text("due_at");
        if (expected < 1) {
            throw KeyManagementException.invalid("expected_version must be 1 or more, got " + expected);
        }
        Optional<Boolean> rotated = keyOperations.rotateIfDue(name, expected);
        if (rotated.isEmpty()) {
            return new WorkOutcome(WorkOutcome.Result.SKIPPED, "key \"" + name + "\" no longer exists");
        }
        return rotated.get()
                ? new WorkOutcome(WorkOutcome.Result.ROTATED, "key \"" + name + "\" rotated past version " + expected
                        + " and its vaults brought up to date")
                : new WorkOutcome(WorkOutcome.Result.SKIPPED, "key \"" + name + "\" was not rotated (no longer at "
                        + "version " + expected + ", or not due); its vaults were checked");
    }

    private WorkOutcome sync(Parameters message) {
        String key = Names.requireKeyName(required(message.text("key"), "key"));
        String provider = Names.requireProviderName(required(message.text("provider"), "provider"));
        Optional<Stored<Distribution>> current = keys.distribution(key, provider);
        if (current.isEmpty() || current.get().value().state() == DistributionState.REMOVING) {
            return new WorkOutcome(WorkOutcome.Result.SKIPPED, "key \"" + key + "\" is not (or no longer) being "
                    + "distributed to KMS provider \"" + provider + "\"");
        }
        try {
            Distribution d = distributions.sync(provider, key);
            return new WorkOutcome(WorkOutcome.Result.SYNCED, "key \"" + key + "\" in KMS provider \"" + provider
                    + "\" is " + d.state().name().toLowerCase(java.util.Locale.ROOT) + " with "
                    + d.azureVersions().size() + " versions");
        } catch (KeyManagementException e) {
            if (e.fault() == Fault.NOT_FOUND) {
                return new WorkOutcome(WorkOutcome.Result.SKIPPED, e.getMessage());
            }
            throw e;
        }
    }

    private static <T> T required(Optional<T> value, String name) {
        return value.orElseThrow(() -> KeyManagementException.invalid("the message has no " + name));
    }
}
