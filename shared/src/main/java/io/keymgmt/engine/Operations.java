package io.keymgmt.engine;

import io.keymgmt.keys.KeyPurpose;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.operations.Operation;
import io.keymgmt.operations.OperationAction;
import io.keymgmt.operations.OperationStatus;
import io.keymgmt.operations.VaultOutcome;
import io.keymgmt.store.AlreadyExistsException;
import io.keymgmt.store.ConcurrentUpdateException;
import io.keymgmt.store.KeyStore;
import io.keymgmt.store.OperationStore;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.Stored;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Long actions that workflows start (Logic Apps): rotate a key, distribute it to a provider, remove it
 * from one. {@link #start} checks and records the request and says what to queue; the queue function
 * hands that to {@link #perform}, which does the work and records its progress vault by vault; any
 * instance answers {@link #read}. A request repeated under the same idempotency key finds the operation
 * it started instead of starting another, so a workflow's retries never rotate or distribute twice; and
 * an operation performed twice (a redelivered message) rotates once, since it names the version it
 * rotates past.
 */
public final class Operations {

    /** The queue message kind that names an operation to perform. */
    static final String OPERATION = "operation";
    /** The longest idempotency key taken: what fits a header and a log line. */
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
    private static final int MAX_ATTEMPTS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OperationStore store;
    private final KeyStore keyStore;
    private final ProviderStore providerStore;
    private final Keys keys;
    private final Distributions distributions;
    private final Clock clock;
    private final Duration retention;

    Operations(OperationStore store, KeyStore keyStore, ProviderStore providerStore, Keys keys,
            Distributions distributions, Clock clock, Duration retention) {
        this.store = store;
        this.keyStore = keyStore;
        this.providerStore = providerStore;
        this.keys = keys;
        this.distributions = distributions;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * An operation as recorded, and whether this request recorded it (false: a repeat found it).
     *
     * @param message what to put on the queue for the work to be done; empty once the operation has
     *     ended. A repeat of a running operation gets it again: if the first request died between
     *     recording and queueing, the repeat queues the work; if not, the work is done once anyway
     */
    public record Started(Operation operation, boolean created, Optional<Map<String, Object>> message) {
    }

    /**
     * Checks the request and records the operation, or finds the one an earlier request with the same
     * idempotency key recorded. Nothing is done in Azure here.
     *
     * @param body the action's fields: {@code key} for every action, {@code provider} to distribute or
     *     remove, {@code purpose} and {@code protection} to distribute; any other field is refused
     * @throws KeyManagementException INVALID_REQUEST naming the field; NOT_FOUND for a missing key or
     *     provider; IDEMPOTENCY_MISMATCH when the key was used with another request
     */
    public Started start(OperationAction action, Parameters body, Optional<String> idempotencyKey) {
        return Boundary.call(() -> {
            idempotencyKey.ifPresent(Operations::checkIdempotencyKey);
            Request request = request(action, body);
            String fingerprint = request.fingerprint();
            String id = idempotencyKey.map(Operations::idFor).orElseGet(Operations::randomId);
            if (idempotencyKey.isPresent()) {
                Optional<Started> repeated = repeated(id, fingerprint);
                if (repeated.isPresent()) {
                    return repeated.get();
                }
            }
            Operation operation = recordable(id, request, fingerprint);
            try {
                store.create(operation);
            } catch (AlreadyExistsException e) {
                // The same key sent twice at once: the other request recorded it first.
                return repeated(id, fingerprint).orElseThrow(() -> e);
            }
            return new Started(operation, true, Optional.of(message(id)));
        });
    }

    /**
     * Reads an operation.
     *
     * @throws KeyManagementException NOT_FOUND for an id never recorded; GONE for one past its retention
     */
    public Operation read(String id) {
        return Boundary.call(() -> {
            Operation operation = find(id).value();
            if (operation.expiredAt(now())) {
                throw new KeyManagementException(Fault.GONE, "operation " + id + " expired at " + operation.expiresAt()
                        + " (operations are kept for " + Parameters.describe(retention) + "); start the action again "
                        + "to see where the key stands");
            }
            return operation;
        });
    }

    /**
     * Does the work of a queued operation, recording each vault's outcome as it goes. A failure that a
     * retry may cure (Azure throttling or failing, storage unavailable, a lost race) is thrown, so the
     * host delivers the message again, unless this is the last try; any other failure, or one on the
     * last try, ends the operation as failed with its error.
     *
     * @param message what {@link #start} gave to queue
     * @param lastTry whether the host gives up on the message after this try
     * @throws KeyManagementException INVALID_REQUEST for a message that can never work; a transient
     *     fault for work to retry
     */
    public WorkOutcome perform(Parameters message, boolean lastTry) {
        return Boundary.call(() -> {
            String id = message.text("id").orElseThrow(() -> KeyManagementException.invalid(
                    "the operation message has no id"));
            checkId(id);
            Optional<Stored<Operation>> found = store.find(id);
            if (found.isEmpty()) {
                return new WorkOutcome(WorkOutcome.Result.SKIPPED, "operation " + id + " is not recorded");
            }
            if (found.get().value().status().finished()) {
                return new WorkOutcome(WorkOutcome.Result.SKIPPED, "operation " + id + " has already ended "
                        + found.get().value().status().wireName());
            }
            Stored<Operation> current = save(found.get(), found.get().value().attempted(now()));
            if (current.value().status().finished()) {
                // Another worker ended it between the read and this attempt's write.
                return new WorkOutcome(WorkOutcome.Result.SKIPPED, "operation " + id + " has already ended "
                        + current.value().status().wireName());
            }
            Stored<Operation> ended = switch (current.value().action()) {
                case ROTATE_KEY -> rotate(current, lastTry);
                case DISTRIBUTE_KEY -> oneVault(current, lastTry, op -> {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    op.purpose().ifPresent(p -> fields.put("purpose", p));
                    op.protection().ifPresent(p -> fields.put("protection", p));
                    distributions.distribute(op.providerName().orElseThrow(), op.keyName(), Parameters.of(fields));
                });
                case REMOVE_KEY -> oneVault(current, lastTry, op ->
                        distributions.remove(op.providerName().orElseThrow(), op.keyName()));
            };
            Operation op = ended.value();
            return new WorkOutcome(op.status() == OperationStatus.SUCCEEDED ? WorkOutcome.Result.PERFORMED
                    : WorkOutcome.Result.FAILED, "operation " + id + " (" + op.action().wireName() + " of key \""
                    + op.keyName() + "\") " + op.status().wireName() + op.error().map(e -> ": " + e).orElse(""));
        });
    }

    private Stored<Operation> rotate(Stored<Operation> current, boolean lastTry) {
        Operation op = current.value();
        Optional<ManagedKey> key = keys.rotatePast(op.keyName(), op.fromVersion());
        if (key.isEmpty()) {
            return end(current, op.failed("key \"" + op.keyName() + "\" was deleted before it could be rotated", now()));
        }
        int version = op.fromVersion() + 1;
        List<String> providers = new ArrayList<>();
        for (Stored<Distribution> d : keyStore.distributions(op.keyName())) {
            if (d.value().state() != DistributionState.REMOVING) {
                providers.add(d.value().providerName());
            }
        }
        providers.sort(null);
        current = save(current, current.value().withResultVersion(version, now()).withVaultsTotal(providers.size(), now()));
        KeyManagementException retry = null;
        for (String provider : providers) {
            VaultOutcome outcome;
            try {
                distributions.sync(provider, op.keyName());
                outcome = VaultOutcome.done(provider);
            } catch (KeyManagementException e) {
                if (e.fault() == Fault.NOT_FOUND) {
                    // Removed from that provider meanwhile: nothing is left to bring up to date there.
                    outcome = VaultOutcome.done(provider);
                } else {
                    outcome = VaultOutcome.failed(provider, e.getMessage());
                    if (retryable(e) && !lastTry && retry == null) {
                        retry = e;
                    }
                }
            }
            current = save(current, current.value().withOutcome(outcome, now()));
            if (current.value().status().finished()) {
                return current;
            }
        }
        if (retry != null) {
            throw retry;
        }
        List<VaultOutcome> failures = current.value().failures();
        if (failures.isEmpty()) {
            return end(current, current.value().succeeded(now()));
        }
        StringBuilder why = new StringBuilder("version " + version + " of key \"" + op.keyName() + "\" was made, but "
                + failures.size() + " of " + providers.size() + " vaults did not take it: ");
        for (int i = 0; i < failures.size(); i++) {
            why.append(i == 0 ? "" : "; ").append(failures.get(i).provider()).append(": ")
                    .append(failures.get(i).error().orElse(""));
        }
        return end(current, current.value().failed(why.toString(), now()));
    }

    private Stored<Operation> oneVault(Stored<Operation> current, boolean lastTry,
            java.util.function.Consumer<Operation> work) {
        Operation op = current.value();
        String provider = op.providerName().orElseThrow();
        try {
            work.accept(op);
        } catch (KeyManagementException e) {
            save(current, op.withOutcome(VaultOutcome.failed(provider, e.getMessage()), now()));
            if (retryable(e) && !lastTry) {
                throw e;
            }
            Stored<Operation> latest = find(op.id());
            return end(latest, latest.value().failed(e.getMessage(), now()));
        }
        Stored<Operation> done = save(current, op.withOutcome(VaultOutcome.done(provider), now()));
        return end(done, done.value().succeeded(now()));
    }

    /** Whether trying the same work again later can succeed: Azure or storage trouble, or a lost race. */
    private static boolean retryable(KeyManagementException e) {
        return e.fault().isTransient() || e.fault() == Fault.CONFLICT;
    }

    /** Records the end, unless another worker ended the operation first (its record stands). */
    private Stored<Operation> end(Stored<Operation> current, Operation ended) {
        return save(current, ended);
    }

    /**
     * Writes the next state of an operation. Two workers on one operation (a redelivered message) do the
     * same idempotent work, so the later write of progress wins; an end already recorded is never undone.
     */
    private Stored<Operation> save(Stored<Operation> current, Operation next) {
        Stored<Operation> base = current;
        for (int attempt = 1; ; attempt++) {
            if (base.value().status().finished()) {
                return base;
            }
            try {
                return store.replace(next, base.etag());
            } catch (ConcurrentUpdateException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw KeyManagementException.conflict("operation " + next.id() + " is being changed by other "
                            + "workers; retry");
                }
                base = find(next.id());
            }
        }
    }

    private Stored<Operation> find(String id) {
        checkId(id);
        return store.find(id).orElseThrow(() -> KeyManagementException.notFound("no operation " + id + ": it was "
                + "never started here (operation ids are what an action's Location header gives)"));
    }

    private Optional<Started> repeated(String id, String fingerprint) {
        return store.find(id).map(existing -> {
            if (!existing.value().fingerprint().equals(fingerprint)) {
                throw new KeyManagementException(Fault.IDEMPOTENCY_MISMATCH, "this Idempotency-Key was used for "
                        + "another request (operation " + id + ", " + existing.value().action().wireName() + " of key \""
                        + existing.value().keyName() + "\"); use a new key for a different request");
            }
            return new Started(existing.value(), false, existing.value().status().finished() ? Optional.empty()
                    : Optional.of(message(id)));
        });
    }

    /** What one action asks for, checked. */
    private record Request(OperationAction action, String key, Optional<String> provider, Optional<String> purpose,
            Optional<String> protection) {

        String fingerprint() {
            String canonical = action.wireName() + "\n" + key + "\n" + provider.orElse("") + "\n" + purpose.orElse("")
                    + "\n" + protection.orElse("");
            return sha256(canonical).substring(0, 32);
        }
    }

    private Request request(OperationAction action, Parameters body) {
        String key = Names.requireKeyName(body.text("key").orElseThrow(() -> KeyManagementException.invalid(
                "key: the name of the key is required")));
        Optional<String> provider = Optional.empty();
        Optional<String> purpose = Optional.empty();
        Optional<String> protection = Optional.empty();
        if (action != OperationAction.ROTATE_KEY) {
            provider = Optional.of(Names.requireProviderName(body.text("provider").orElseThrow(() ->
                    KeyManagementException.invalid("provider: the name of the KMS provider is required"))));
        }
        if (action == OperationAction.DISTRIBUTE_KEY) {
            purpose = body.commaList("purpose").map(Distributions::purposes).map(Operations::canonical);
            protection = body.text("protection").map(Distributions::protection).map(p -> p.wireName());
        }
        WorkflowReads.refuseOthers(body, action.wireName(), fieldsOf(action));
        return new Request(action, key, provider, purpose, protection);
    }

    private Operation recordable(String id, Request request, String fingerprint) {
        ManagedKey key = keyStore.find(request.key()).map(Stored::value).orElseThrow(() ->
                KeyManagementException.notFound("key \"" + request.key() + "\" not found"));
        int fromVersion = 0;
        int vaults = 1;
        switch (request.action()) {
            case ROTATE_KEY -> {
                fromVersion = key.latestVersion();
                vaults = keyStore.distributions(request.key()).size();
            }
            case DISTRIBUTE_KEY -> {
                String provider = request.provider().orElseThrow();
                providerStore.find(provider).orElseThrow(() -> KeyManagementException.notFound("KMS provider \""
                        + provider + "\" not found"));
                if (request.purpose().isEmpty() && keyStore.distribution(request.key(), provider).isEmpty()) {
                    throw KeyManagementException.invalid("purpose: required for the first distribution of key \""
                            + request.key() + "\" to KMS provider \"" + provider + "\" (a list, or a comma-separated "
                            + "string, of encrypt, decrypt, sign, verify, wrap, unwrap)");
                }
            }
            case REMOVE_KEY -> {
                // Removing a key that is not there succeeds, as the Vault route does; nothing more to check.
            }
        }
        Instant now = now();
        return new Operation(id, request.action(), request.key(), request.provider(), request.purpose(),
                request.protection(), fingerprint, OperationStatus.RUNNING, fromVersion, vaults, List.of(),
                Optional.empty(), Optional.empty(), 0, now, now, now.plus(retention));
    }

    private static Map<String, Object> message(String id) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("kind", OPERATION);
        message.put("id", id);
        return message;
    }

    private static String fieldsOf(OperationAction action) {
        return switch (action) {
            case ROTATE_KEY -> "key";
            case DISTRIBUTE_KEY -> "key, provider, purpose and protection";
            case REMOVE_KEY -> "key and provider";
        };
    }

    private static String canonical(Set<KeyPurpose> purposes) {
        Set<String> names = new TreeSet<>();
        purposes.forEach(p -> names.add(p.wireName()));
        return String.join(",", names);
    }

    private static void checkIdempotencyKey(String key) {
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw KeyManagementException.invalid("Idempotency-Key: 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " visible ASCII characters, such as a GUID or the workflow run's id");
        }
    }

    /** Operation ids are 32 lower-case hex digits: safe in a URL and as a Table Storage key. */
    private static void checkId(String id) {
        if (id.length() != 32 || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw KeyManagementException.notFound("no operation " + (id.length() > 64 ? id.substring(0, 64) + "..." : id)
                    + ": operation ids are 32 hex digits, as an action's Location header gives them");
        }
    }

    /** The same key always names the same operation, so finding it again needs no index. */
    private static String idFor(String idempotencyKey) {
        return sha256("idempotency-key\n" + idempotencyKey).substring(0, 32);
    }

    private static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private Instant now() {
        return clock.instant();
    }
}
