package io.keymgmt.store.table;

import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.keymgmt.store.UnreadableRecordException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/** Typed reads of entity properties, tolerant of the numeric widening Table Storage may apply. */
final class Entities {

    static final String ETAG = "odata.etag";

    private Entities() {
    }

    static TableEntity withEtag(TableEntity entity, String etag) {
        return entity.addProperty(ETAG, Objects.requireNonNull(etag, "etag"));
    }

    /** A string as an OData literal in a query filter: quoted, with quotes inside doubled. */
    static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * One entity by its keys, or empty. A filtered query rather than a point read, because the SDK
     * logs every 404 of a point read as an error, and absence is an ordinary answer here.
     */
    static Optional<TableEntity> find(TableClient table, String partitionKey, String rowKey, String what) {
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("PartitionKey eq " + quoted(partitionKey) + " and RowKey eq " + quoted(rowKey)),
                    null, Context.NONE)) {
                return Optional.of(e);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            throw TableErrors.translate(what, e);
        }
    }

    /**
     * Decodes a record into a domain value; a value the domain refuses (an unknown type name, a broken
     * rule, a malformed list) means the record is not one this engine wrote.
     */
    static <T> T decoded(TableEntity e, java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (IllegalArgumentException | IndexOutOfBoundsException refused) {
            throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey()
                    + " cannot be read: " + refused.getMessage());
        }
    }

    static String string(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v == null) {
            throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks " + name);
        }
        return v.toString();
    }

    static Optional<String> optionalString(TableEntity e, String name) {
        Object v = e.getProperty(name);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    static int integer(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks integer " + name);
    }

    static boolean bool(TableEntity e, String name) {
        return Boolean.TRUE.equals(e.getProperty(name));
    }

    static byte[] bytes(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v instanceof byte[] b) {
            return b;
        }
        throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks binary " + name);
    }

    static Optional<byte[]> optionalBytes(TableEntity e, String name) {
        Object v = e.getProperty(name);
        return v instanceof byte[] b ? Optional.of(b) : Optional.empty();
    }

    /**
     * A time as stored: to the microsecond. Table Storage keeps 100 ns and may refuse nine fractional
     * digits, Azurite keeps whatever it is sent; cutting to microseconds makes both give back the same.
     */
    static OffsetDateTime time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    static Optional<Instant> optionalInstant(TableEntity e, String name) {
        return e.getProperty(name) == null ? Optional.empty() : Optional.of(instant(e, name));
    }

    static long optionalLong(TableEntity e, String name, long absent) {
        Object v = e.getProperty(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks integer "
                + name);
    }

    static Instant instant(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        throw new UnreadableRecordException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks time " + name);
    }
}
