package io.keymgmt.store.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EtagsTest {

    private static final String WEAK = "W/\"datetime'2025-03-04T05%3A06%3A07.1234567Z'\"";

    @Test
    void putsBackTheQuoteTheSdkStripsFromAWeakEtag() {
        assertEquals(WEAK, Etags.repaired(WEAK.substring(0, WEAK.length() - 1)));
    }

    @Test
    void leavesWholeEtagsAlone() {
        assertEquals(WEAK, Etags.repaired(WEAK));
        assertEquals("\"0x8D9\"", Etags.repaired("\"0x8D9\""));
        assertEquals("0x8D9", Etags.repaired("0x8D9"));
    }
}
