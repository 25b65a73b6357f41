package io.keymgmt.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.infra.Bicep.Arr;
import io.keymgmt.infra.Bicep.Literal;
import io.keymgmt.infra.Bicep.Str;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The queues and tables the templates make, and the storage account's exposure. */
class StorageNamesTest {

    @Test
    void theQueuesAreTheRotationQueueAndItsPoisonQueue() {
        assertEquals(List.of(RotationQueue.NAME, RotationQueue.POISON), strings("queueNames"));
    }

    @Test
    void theTablesAreTheEnginesUnderTheDefaultPrefix() {
        String source = Repository.read("shared/src/main/java/io/keymgmt/store/table/TableStorage.java");
        Matcher m = Pattern.compile("new String\\[\\] \\{([^}]*)}").matcher(source);
        assertTrue(m.find(), "TableStorage no longer lists its tables in one array; rewrite this check");
        String prefix = Repository.read("functions/vault-api/src/main/java/io/keymgmt/http/config/KeymgmtConfig.java")
                .replaceAll("(?s).*@WithDefault\\(\"(\\w+)\"\\)\\s*String tablePrefix.*", "$1");
        List<String> tables = new ArrayList<>();
        Matcher name = Pattern.compile("\"(\\w+)\"").matcher(m.group(1));
        while (name.find()) {
            tables.add(prefix + name.group(1));
        }
        assertEquals(tables, strings("tableNames"));
    }

    @Test
    void storageTakesNoSharedKeysAndGoesPrivateWithPrivateNetworking() {
        String storage = Bicep.module("storage").text;
        assertTrue(storage.contains("allowSharedKeyAccess: false"), "shared keys allowed");
        assertTrue(storage.contains("allowBlobPublicAccess: false"), "blob public access allowed");
        assertTrue(storage.contains("minimumTlsVersion: 'TLS1_2'"), "TLS below 1.2 allowed");
        assertTrue(storage.contains("publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'"),
                "public network access does not follow privateNetworking");
        assertTrue(Bicep.module("sealVault").text.contains("publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'"),
                "the seal vault's public network access does not follow privateNetworking");
    }

    private static List<String> strings(String var) {
        List<String> values = new ArrayList<>();
        for (Literal item : ((Arr) Bicep.main().var(var)).items()) {
            values.add(((Str) item).value());
        }
        return values;
    }
}
