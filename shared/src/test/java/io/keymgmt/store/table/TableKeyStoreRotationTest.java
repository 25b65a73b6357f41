package io.keymgmt.store.table;

import static io.keymgmt.store.table.StoreFixture.T0;
import static io.keymgmt.store.table.StoreFixture.distribution;
import static io.keymgmt.store.table.StoreFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.keymgmt.keys.KeyType;
import io.keymgmt.keys.ManagedKey;
import io.keymgmt.kms.Distribution;
import io.keymgmt.kms.DistributionState;
import io.keymgmt.store.Stored;
import io.keymgmt.testkit.Azurite;
import io.keymgmt.transport.AzureHttpClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * What scheduled rotation keeps in Table Storage: the header's rotation period, last and next rotation
 * (the next one is the due index), a distribution's failed attempts and retry time, and the queries
 * the timer runs over every key: the due headers, every header, every distribution.
 */
class TableKeyStoreRotationTest {

    private static final Duration MONTH = Duration.ofDays(30);

    @TempDir
    static Path kekDir;
    private static StoreFixture fixture;
    private String prefix;
    private TableKeyStore store;
    private TableClient raw;

    @BeforeAll
    static void openFixture() {
        fixture = new StoreFixture(kekDir.resolve("kek.key"));
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    @BeforeEach
    void freshTables() {
        prefix = StoreFixture.prefix("rotation");
        store = fixture.tables(prefix).keys();
        raw = fixture.rawTable(prefix + "keys");
    }

    private TableEntity header(String name) {
        return raw.getEntity(name, TableKeyStore.HEADER_ROW);
    }

    /** A key created at T0 with versions 1..count (the last created at {@code lastAt}) and the period. */
    private Stored<ManagedKey> rotating(String name, Duration period, int count, Instant lastAt) {
        Stored<ManagedKey> current = store.create(key(name).withRotationPeriod(period, T0), fixture.version(name, 1));
        for (int n = 2; n <= count; n++) {
            Instant at = n == count ? lastAt : T0.plusSeconds(n);
            current = store.addVersion(current.value().rotated(at), current.etag(), fixture.version(name, n));
        }
        return current;
    }

    private static List<String> names(List<Stored<ManagedKey>> keys) {
        return keys.stream().map(k -> k.value().name()).sorted().toList();
    }

    // The header

    @Test
    void theRotationFieldsOfAHeaderRoundTripAndTheNextRotationIsStored() {
        Instant created = Instant.parse("2025-03-04T05:06:07.123456Z");
        ManagedKey key = new ManagedKey("k", KeyType.RSA_2048, 1, 1, false, created, created, MONTH, created);

        Stored<ManagedKey> stored = store.create(key, fixture.version("k", 1));

        assertEquals(key, stored.value());
        assertEquals(stored, store.find("k").orElseThrow());
        TableEntity e = header("k");
        assertEquals(2_592_000L, ((Number) e.getProperty("RotationPeriodSeconds")).longValue());
        assertEquals(created, ((OffsetDateTime) e.getProperty("LastRotatedAt")).toInstant());
        assertEquals(created.plus(MONTH), ((OffsetDateTime) e.getProperty("NextRotationAt")).toInstant());
    }

    @Test
    void aRotationMovesTheLastAndNextRotation() {
        Stored<ManagedKey> created = rotating("k", MONTH, 1, T0);
        Instant at = Instant.parse("2025-04-01T00:00:00.000001Z");

        Stored<ManagedKey> rotated = store.addVersion(created.value().rotated(at), created.etag(), fixture.version("k", 2));

        ManagedKey found = store.find("k").orElseThrow().value();
        assertEquals(rotated.value(), found);
        assertEquals(at, found.lastRotatedAt());
        assertEquals(Optional.of(at.plus(MONTH)), found.nextRotationAt());
        assertEquals(at.plus(MONTH), ((OffsetDateTime) header("k").getProperty("NextRotationAt")).toInstant());
    }

    @Test
    void turningRotationOffRemovesTheNextRotationFromTheHeader() {
        Stored<ManagedKey> created = rotating("k", MONTH, 1, T0);

        Stored<ManagedKey> off = store.update(created.value().withRotationPeriod(Duration.ZERO, T0.plusSeconds(1)),
                created.etag());

        assertEquals(off, store.find("k").orElseThrow());
        assertEquals(Duration.ZERO, off.value().rotationPeriod());
        TableEntity e = header("k");
        assertEquals(0L, ((Number) e.getProperty("RotationPeriodSeconds")).longValue());
        assertEquals(null, e.getProperty("NextRotationAt"), "no due index for a key that does not rotate");
        assertEquals(T0, ((OffsetDateTime) e.getProperty("LastRotatedAt")).toInstant());
        assertEquals(List.of(), store.dueForRotation(T0.plus(Duration.ofDays(10_000)), 10));
    }

    @Test
    void aHeaderWrittenBeforeRotationExistedDoesNotRotateAndWasLastRotatedWhenCreated() {
        store.create(key("old"), fixture.version("old", 1));
        TableEntity legacy = header("old");
        legacy.getProperties().remove("RotationPeriodSeconds");
        legacy.getProperties().remove("LastRotatedAt");
        legacy.getProperties().remove("NextRotationAt");
        raw.updateEntity(legacy, TableEntityUpdateMode.REPLACE);
        assertFalse(header("old").getProperties().containsKey("LastRotatedAt"));

        ManagedKey found = store.find("old").orElseThrow().value();

        assertEquals(Duration.ZERO, found.rotationPeriod());
        assertEquals(found.createdAt(), found.lastRotatedAt());
        assertEquals(Optional.empty(), found.nextRotationAt());
        assertEquals(List.of(), store.dueForRotation(T0.plus(Duration.ofDays(10_000)), 10));
        assertEquals(List.of("old"), names(store.allKeys()));
    }

    @Test
    void aHeaderWhoseNextRotationIsFarAwayIsEitherRefusedOrReadable() {
        store.create(key("fine"), fixture.version("fine", 1));
        ManagedKey far = key("far").withRotationPeriod(Duration.ofDays(999_999_999L), T0);
        boolean written;
        try {
            store.create(far, fixture.version("far", 1));
            written = true;
        } catch (RuntimeException refused) {
            written = false;
        }

        if (written) {
            assertEquals(far, store.find("far").orElseThrow().value());
        }
        assertEquals(written ? List.of("far", "fine") : List.of("fine"), names(store.allKeys()));
    }

    // The distribution

    @Test
    void aDistributionsFailedAttemptsAndRetryTimeRoundTrip() {
        Stored<ManagedKey> key = store.create(key("k"), fixture.version("k", 1));
        Stored<Distribution> added = store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        Instant retryAt = Instant.parse("2025-03-04T05:08:07.654321Z");
        Distribution failed = added.value().withFailure("Key Vault said no", T0, T0)
                .withFailure("Key Vault said no again", retryAt, T0.plusSeconds(60));

        Stored<Distribution> stored = store.updateDistribution(failed, added.etag());

        assertEquals(2, failed.failedAttempts());
        assertEquals(failed, stored.value());
        assertEquals(stored, store.distribution("k", "p").orElseThrow());
        TableEntity e = raw.getEntity("k", "d|p");
        assertEquals(2, ((Number) e.getProperty("FailedAttempts")).intValue());
        assertEquals(retryAt, ((OffsetDateTime) e.getProperty("RetryAt")).toInstant());

        Distribution succeeded = stored.value().withState(DistributionState.ACTIVE, T0.plusSeconds(120))
                .withSuccess(T0.plusSeconds(120));
        store.updateDistribution(succeeded, stored.etag());

        Distribution found = store.distribution("k", "p").orElseThrow().value();
        assertEquals(succeeded, found);
        assertEquals(0, found.failedAttempts());
        assertEquals(Optional.empty(), found.retryAt());
        assertEquals(null, raw.getEntity("k", "d|p").getProperty("RetryAt"));
    }

    @Test
    void aDistributionWrittenBeforeRetriesExistedHasNoFailuresToRetry() {
        Stored<ManagedKey> key = store.create(key("k"), fixture.version("k", 1));
        store.addDistribution(key.value(), key.etag(), distribution("k", "p"));
        TableEntity legacy = raw.getEntity("k", "d|p");
        legacy.getProperties().remove("FailedAttempts");
        legacy.getProperties().remove("RetryAt");
        raw.updateEntity(legacy, TableEntityUpdateMode.REPLACE);

        Distribution found = store.distribution("k", "p").orElseThrow().value();

        assertEquals(distribution("k", "p"), found);
        assertEquals(0, found.failedAttempts());
        assertEquals(Optional.empty(), found.retryAt());
    }

    // The due query

    @Test
    void dueForRotationReturnsOnlyTheDueHeaders() {
        Instant now = Instant.parse("2025-06-01T12:00:00.000001Z");
        rotating("long-due", MONTH, 1, T0);
        rotating("due-now", MONTH, 3, now.minus(MONTH));
        // A millisecond: Azurite compares times in its filters to the millisecond (Azure to 100 ns).
        rotating("not-yet", MONTH, 2, now.minus(MONTH).plusMillis(1));
        rotating("rotated-lately", MONTH, 2, now.minusSeconds(1));
        store.create(key("off"), fixture.version("off", 1));
        Stored<ManagedKey> deleting = rotating("being-deleted", Duration.ofHours(1), 1, T0);
        store.markDeleting("being-deleted", deleting.etag());

        List<Stored<ManagedKey>> due = store.dueForRotation(now, 10);

        assertEquals(List.of("due-now", "long-due"), names(due));
        for (Stored<ManagedKey> k : due) {
            assertEquals(store.find(k.value().name()).orElseThrow(), k, "the header with the ETag a rotation needs");
        }
        assertEquals(List.of("long-due"), names(store.dueForRotation(now.minusMillis(1), 10)));
        assertEquals(List.of(), store.dueForRotation(T0, 10));
    }

    @Test
    void dueForRotationRespectsTheLimitAndAKeyBeingDeletedDoesNotCountTowardsIt() {
        Stored<ManagedKey> deleting = rotating("a-deleting", Duration.ofHours(1), 1, T0);
        store.markDeleting("a-deleting", deleting.etag());
        for (String name : List.of("b", "c", "d", "e")) {
            rotating(name, Duration.ofHours(1), 1, T0);
        }
        Instant now = T0.plus(Duration.ofDays(1));

        assertEquals(1, store.dueForRotation(now, 1).size());
        assertEquals(3, store.dueForRotation(now, 3).size());
        assertEquals(List.of("b", "c", "d", "e"), names(store.dueForRotation(now, 4)));
        assertEquals(List.of("b", "c", "d", "e"), names(store.dueForRotation(now, 100)));
        assertFalse(names(store.dueForRotation(now, 1)).contains("a-deleting"));
    }

    @Test
    void aLimitOfZeroFindsNothing() {
        rotating("k", Duration.ofHours(1), 1, T0);

        assertEquals(List.of(), store.dueForRotation(T0.plus(Duration.ofDays(1)), 0));
    }

    @Test
    void afterARotationTheKeyIsDueAPeriodLater() {
        Stored<ManagedKey> k = rotating("k", MONTH, 1, T0);
        Instant rotatedAt = T0.plus(MONTH).plusSeconds(5);
        assertEquals(List.of("k"), names(store.dueForRotation(rotatedAt, 10)));

        store.addVersion(k.value().rotated(rotatedAt), k.etag(), fixture.version("k", 2));

        assertEquals(List.of(), store.dueForRotation(rotatedAt, 10));
        assertEquals(List.of(), store.dueForRotation(rotatedAt.plus(MONTH).minusSeconds(1), 10));
        List<Stored<ManagedKey>> due = store.dueForRotation(rotatedAt.plus(MONTH), 10);
        assertEquals(List.of("k"), names(due));
        assertEquals(2, due.get(0).value().latestVersion());
    }

    // Every header, every distribution

    @Test
    void allKeysAndAllDistributionsCoverEveryKeyButNoKeyBeingDeleted() {
        Stored<ManagedKey> a = rotating("a", MONTH, 3, T0.plusSeconds(30));
        store.addDistribution(a.value(), a.etag(), distribution("a", "p"));
        Stored<ManagedKey> a2 = store.find("a").orElseThrow();
        store.addDistribution(a2.value(), a2.etag(), distribution("a", "q"));
        Stored<ManagedKey> b = store.create(key("b"), fixture.version("b", 1));
        store.addDistribution(b.value(), b.etag(), distribution("b", "p"));
        store.create(key("c"), fixture.version("c", 1));
        Stored<ManagedKey> deleting = store.create(key("gone"), fixture.version("gone", 1));
        store.markDeleting("gone", deleting.etag());

        List<Stored<ManagedKey>> keys = store.allKeys();
        List<Stored<Distribution>> distributions = store.allDistributions();

        assertEquals(List.of("a", "b", "c"), names(keys));
        for (Stored<ManagedKey> k : keys) {
            assertEquals(store.find(k.value().name()).orElseThrow(), k);
        }
        assertEquals(List.of("a p", "a q", "b p"), distributions.stream()
                .map(d -> d.value().keyName() + " " + d.value().providerName()).sorted().toList());
        for (Stored<Distribution> d : distributions) {
            assertEquals(store.distribution(d.value().keyName(), d.value().providerName()).orElseThrow(), d);
        }
    }

    @Test
    void allKeysAndAllDistributionsAreEmptyWithoutKeys() {
        assertEquals(List.of(), store.allKeys());
        assertEquals(List.of(), store.allDistributions());
        assertEquals(List.of(), store.dueForRotation(T0, 10));
    }

    @Test
    void theTimersQueriesReadNoVersionRows() {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        TableKeyStore recorded = new TableKeyStore(new TableClientBuilder()
                .connectionString(Azurite.shared().connectionString()).httpClient(AzureHttpClients.create(Optional.empty()))
                .addPolicy(new TransactionEtagCapture()).addPolicy(new QueryAnswers(bodies))
                .tableName(prefix + "keys").buildClient());
        Stored<ManagedKey> k = rotating("k", Duration.ofHours(1), 5, T0);
        store.addDistribution(k.value(), k.etag(), distribution("k", "p"));
        rotating("j", Duration.ofHours(1), 3, T0);

        assertEquals(2, recorded.dueForRotation(T0.plus(Duration.ofDays(1)), 10).size());
        assertEquals(2, recorded.allKeys().size());
        assertEquals(1, recorded.allDistributions().size());

        assertEquals(3, bodies.size(), "one query each: " + bodies);
        List<String> rowKeys = new ArrayList<>();
        for (String body : bodies) {
            rowKeys.addAll(rowKeysIn(body));
        }
        assertEquals(List.of("key", "key", "key", "key", "d|p"), rowKeys, "headers, headers, the distribution");
        assertTrue(rowKeys.stream().noneMatch(r -> r.startsWith("v|")), rowKeys.toString());
    }

    private static List<String> rowKeysIn(String body) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"RowKey\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** Keeps the body of every query's answer (a GET of the table's entities), for the SDK to read after us. */
    private static final class QueryAnswers implements HttpPipelinePolicy {

        private final List<String> bodies;

        QueryAnswers(List<String> bodies) {
            this.bodies = bodies;
        }

        private static boolean isQuery(HttpPipelineCallContext context) {
            return context.getHttpRequest().getHttpMethod() == HttpMethod.GET
                    && context.getHttpRequest().getUrl().getPath().endsWith("keys()");
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            HttpResponse response = next.processSync();
            if (!isQuery(context)) {
                return response;
            }
            HttpResponse buffered = response.buffer();
            bodies.add(buffered.getBodyAsBinaryData().toString());
            return buffered;
        }

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            if (!isQuery(context)) {
                return next.process();
            }
            return next.process().flatMap(response -> {
                HttpResponse buffered = response.buffer();
                return buffered.getBodyAsString(StandardCharsets.UTF_8).defaultIfEmpty("").map(body -> {
                    bodies.add(body);
                    return buffered;
                });
            });
        }
    }
}
