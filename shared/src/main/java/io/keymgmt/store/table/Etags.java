package io.keymgmt.store.table;

import com.azure.core.http.rest.Response;
import io.keymgmt.store.UnreadableRecordException;

/**
 * ETags as Table Storage sent them.
 *
 * <p>Entities carry weak ETags, {@code W/"datetime'2025-03-04T05%3A06%3A07.1234567Z'"}. The one in an
 * entity's body ({@code odata.etag}) reaches us intact, but azure-data-tables (12.5.9) passes every
 * response's {@code ETag} header through {@code TableScrubEtagPolicy}, which strips a trailing quote
 * whenever the value ends with one, leaving {@code W/"datetime'…'}. Sent back as {@code If-Match}
 * that is refused (400 InvalidInput), so the quote is put back here. A value the SDK left whole is
 * returned unchanged, so a fixed SDK needs no change here.
 */
final class Etags {

    private static final String WEAK_PREFIX = "W/\"";

    private Etags() {
    }

    /** The ETag of the entity a single-entity write produced. */
    static String of(Response<?> response) {
        String etag = response.getHeaders().getValue("ETag");
        if (etag == null) {
            throw new UnreadableRecordException("Table Storage returned no ETag for a write; conditional updates need one");
        }
        return repaired(etag);
    }

    static String repaired(String etag) {
        if (etag.startsWith(WEAK_PREFIX) && !etag.endsWith("\"")) {
            return etag + "\"";
        }
        return etag;
    }
}
