package io.keymgmt.store.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.store.StoreException;
import io.keymgmt.transport.AzureHttpClients;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Table Storage that cannot be reached is an outage the engine can name (StoreException, hence 503),
 * not an UncheckedIOException from the HTTP client. No Azurite: a loopback port nobody listens on.
 */
class TableStorageUnreachableTest {

    /** Devstoreaccount1's well-known key; nothing answers on the port anyway. */
    private static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /**
     * The SDK's default policy retries a refused connection three times with exponential backoff from
     * 0.8 s, about 5.6 s in all (TableStorage offers no retry options); well above that means the
     * calls hang instead of failing.
     */
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void aRefusedConnectionIsAStoreExceptionSayingTableStorageCouldNotBeReached() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String connectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;";
        TableStorage storage = TableStorage.fromConnectionString(connectionString,
                AzureHttpClients.create(Optional.empty()), "unreachable");

        StoreException e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(StoreException.class, () -> storage.keys().find("k")));

        assertEquals(StoreException.class, e.getClass(), "an outage, not one of the conditions the engine retries");
        assertTrue(e.getMessage().startsWith("reading key k: Table Storage could not be reached ("), e.getMessage());
        assertTrue(hasCause(e, ConnectException.class), "the refused connection is kept as the cause");
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
