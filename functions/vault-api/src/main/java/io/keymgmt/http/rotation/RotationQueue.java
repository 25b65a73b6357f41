package io.keymgmt.http.rotation;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.core.exception.AzureException;
import io.keymgmt.store.StoreException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Azure Storage queue that carries rotation work from the timer to the queue function, and its
 * poison queue. Messages are Base64-encoded, as the Functions queue trigger expects by default
 * (host.json extensions.queues.messageEncoding).
 */
public final class RotationQueue {

    /** The queue's name: the queue trigger's queueName in both packagings. */
    public static final String NAME = "keymgmt-rotation";
    /** Where the Functions host moves a message after maxDequeueCount failed tries, and where we put malformed ones. */
    public static final String POISON = NAME + "-poison";
    /** The host's default maxDequeueCount; host.json says it explicitly and the local runtime follows it. */
    public static final int MAX_DEQUEUE_COUNT = 5;

    /** A received message, for the local runtime (on Azure the host receives). */
    public record Received(String id, String popReceipt, String text, long dequeueCount) {
    }

    private final QueueClient work;
    private final QueueClient poison;

    RotationQueue(QueueServiceClient service) {
        this.work = service.getQueueClient(NAME);
        this.poison = service.getQueueClient(POISON);
    }

    /** Creates both queues if they are missing. Once, at start-up. */
    RotationQueue ensureQueues() {
        call("creating the rotation queues", () -> {
            work.createIfNotExists();
            poison.createIfNotExists();
            return null;
        });
        return this;
    }

    public void send(String message) {
        call("queueing rotation work", () -> work.sendMessage(message));
    }

    public void sendToPoison(String message) {
        call("moving a message to " + POISON, () -> poison.sendMessage(message));
    }

    List<Received> receive(int max, Duration visibility) {
        return call("receiving rotation work", () -> {
            List<Received> received = new ArrayList<>();
            for (QueueMessageItem m : work.receiveMessages(max, visibility, null, Context.NONE)) {
                received.add(new Received(m.getMessageId(), m.getPopReceipt(), m.getBody().toString(),
                        m.getDequeueCount()));
            }
            return received;
        });
    }

    void delete(Received message) {
        call("deleting done rotation work", () -> {
            work.deleteMessage(message.id(), message.popReceipt());
            return null;
        });
    }

    private static <T> T call(String what, java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (UncheckedIOException | AzureException e) {
            throw new StoreException(what + ": the queue service failed (" + e.getClass().getSimpleName() + ": "
                    + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
