package io.keymgmt.engine.fakes;

import java.util.concurrent.atomic.AtomicLong;

/** ETags unique across every fake store of the test JVM, so one record's ETag never matches another's. */
final class Etags {

    private static final AtomicLong NEXT = new AtomicLong();

    private Etags() {
    }

    static String next() {
        return "W/\"fake-" + NEXT.incrementAndGet() + "\"";
    }
}
