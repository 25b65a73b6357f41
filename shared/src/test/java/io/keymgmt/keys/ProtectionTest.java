package io.keymgmt.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProtectionTest {

    @Test
    void wireNamesAndDefault() {
        assertSame(Protection.HSM, Protection.fromWireName("hsm"));
        assertSame(Protection.SOFTWARE, Protection.fromWireName("software"));
        assertEquals("hsm", Protection.HSM.wireName());
        assertEquals("software", Protection.SOFTWARE.wireName());
        assertSame(Protection.HSM, Protection.DEFAULT);
    }

    @Test
    void unknownIsRefusedWithTheValidOnes() {
        for (String bad : new String[] {"HSM", "hardware", "", null}) {
            assertEquals("unknown protection \"" + bad + "\"; valid protections are hsm and software",
                    assertThrows(IllegalArgumentException.class, () -> Protection.fromWireName(bad)).getMessage());
        }
    }
}
