package io.keymgmt.http.rotation;

import io.keymgmt.engine.Fault;
import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.engine.KeyManagementException;
import io.keymgmt.engine.Parameters;
import io.keymgmt.engine.WorkOutcome;
import io.keymgmt.http.vault.BadRequestException;
import io.keymgmt.http.vault.RequestBodies;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * What the queue function does with one message, in every hosting. A message that can never work
 * (not JSON, an unknown kind, a bad name) is logged with its id and moved to the poison queue at
 * once, and the invocation succeeds, so the host does not retry it in vain. Any other failure is
 * thrown, so the host retries the message and, after maxDequeueCount tries, moves it to the poison
 * queue itself; the key's distributions then show the last error.
 */
@ApplicationScoped
@IfBuildProperty(name = "keymgmt.app.rotation", stringValue = "true")
public class RotationWorker {

    private static final Logger LOG = Logger.getLogger(RotationWorker.class);

    @Inject
    KeyManagementEngine engine;

    @Inject
    RotationQueue queue;

    @Inject
    RequestBodies bodies;

    /** What became of a message: the engine's outcome, or that it was poisoned. */
    public record Handled(boolean poisoned, String detail) {
    }

    /**
     * @throws KeyManagementException when the work failed and a retry may succeed
     */
    public Handled handle(String text, String messageId, long dequeueCount) {
        Parameters message;
        try {
            message = bodies.parse(text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
        } catch (BadRequestException e) {
            return poison(text, messageId, e.getMessage());
        }
        try {
            WorkOutcome outcome = engine.rotations().perform(message, dequeueCount >= RotationQueue.MAX_DEQUEUE_COUNT);
            LOG.infof("message %s: %s", messageId, outcome.detail());
            return new Handled(false, outcome.result() + ": " + outcome.detail());
        } catch (KeyManagementException e) {
            if (e.fault() == Fault.INVALID_REQUEST) {
                return poison(text, messageId, e.getMessage());
            }
            LOG.warnf("message %s failed on try %d of %d: %s", messageId, dequeueCount, RotationQueue.MAX_DEQUEUE_COUNT,
                    e.getMessage());
            throw e;
        }
    }

    private Handled poison(String text, String messageId, String why) {
        LOG.warnf("message %s can never be done and goes to %s: %s", messageId, RotationQueue.POISON, why);
        queue.sendToPoison(text == null ? "" : text);
        return new Handled(true, "moved to " + RotationQueue.POISON + ": " + why);
    }
}
