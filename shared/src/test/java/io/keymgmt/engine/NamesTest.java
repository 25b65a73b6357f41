package io.keymgmt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    /** Azure's key name rule. */
    private static final Pattern AZURE_KEY_NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");

    @Test
    void azureNameIsTheKeyNameMadeSafePlusTheTimestamp() {
        assertEquals("payments-1633226076", Names.azureKeyName("payments", 1633226076L));
        assertEquals("my-key-v1-1633226076", Names.azureKeyName("my_key.v1", 1633226076L));
    }

    @Test
    void everyValidKeyNameGivesAValidAzureName() {
        String longest = "a._-".repeat(29);
        assertEquals(Names.MAX_KEY_NAME, longest.length());
        Names.requireKeyName(longest);
        assertTrue(AZURE_KEY_NAME.matcher(Names.azureKeyName(longest, 9_999_999_999L)).matches());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-leading", ".hidden", "has space", "slash/inside", "hash#", "q?", "ünïcode", "quote'"})
    void namesOutsideTheRuleAreRefusedAsBadInput(String name) {
        KeyManagementException e = assertThrows(KeyManagementException.class, () -> Names.requireKeyName(name));
        assertEquals(Fault.INVALID_REQUEST, e.fault());
    }

    @Test
    void tooLongNamesAreRefused() {
        assertThrows(KeyManagementException.class, () -> Names.requireKeyName("k".repeat(Names.MAX_KEY_NAME + 1)));
        assertThrows(KeyManagementException.class,
                () -> Names.requireProviderName("p".repeat(Names.MAX_PROVIDER_NAME + 1)));
    }
}
