package io.keymgmt.store.table;

import com.azure.data.tables.models.TableEntity;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Typed reads of entity properties, tolerant of the numeric widening Table Storage may apply. */
final class Entities {

    static final String ETAG = "odata.etag";

    private Entities() {
    }

    static TableEntity withEtag(TableEntity entity, String etag) {
        return entity.addProperty(ETAG, etag);
    }

    static String string(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks " + name);
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
        throw new IllegalStateException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks integer " + name);
    }

    static boolean bool(TableEntity e, String name) {
        return Boolean.TRUE.equals(e.getProperty(name));
    }

    static byte[] bytes(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v instanceof byte[] b) {
            return b;
        }
        throw new IllegalStateException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks binary " + name);
    }

    static Optional<byte[]> optionalBytes(TableEntity e, String name) {
        Object v = e.getProperty(name);
        return v instanceof byte[] b ? Optional.of(b) : Optional.empty();
    }

    static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(TableEntity e, String name) {
        Object v = e.getProperty(name);
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        throw new IllegalStateException("entity " + e.getPartitionKey() + "/" + e.getRowKey() + " lacks time " + name);
    }
}
