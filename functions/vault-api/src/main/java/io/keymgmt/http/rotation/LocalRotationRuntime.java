package io.keymgmt.http.rotation;

import io.keymgmt.engine.KeyManagementException;
import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.store.StoreException;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Plays the Functions host's part for the rotation functions where there is no host: the local stack
 * (keymgmt.rotation.local-runtime=true, which ./run-local.sh sets). It fires the timer on the same
 * NCRONTAB schedule, and takes messages from the rotation queue as the queue trigger does: a message
 * stays invisible while it is worked on, is deleted when the work succeeds, comes back after a
 * failure, and goes to the poison queue after {@link RotationQueue#MAX_DEQUEUE_COUNT} tries. On Azure
 * this never runs: the host does all of it.
 */
@ApplicationScoped
@IfBuildProperty(name = "keymgmt.app.rotation", stringValue = "true")
public class LocalRotationRuntime {

    private static final Logger LOG = Logger.getLogger(LocalRotationRuntime.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    @Inject
    KeymgmtConfig config;

    @Inject
    RotationTimer timer;

    @Inject
    RotationWorker worker;

    @Inject
    RotationQueue queue;

    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService threads;

    void start(@Observes StartupEvent event) {
        if (!config.rotation().localRuntime()) {
            return;
        }
        Ncrontab schedule;
        try {
            schedule = Ncrontab.parse(config.rotation().schedule());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("keymgmt.rotation.schedule (KEYMGMT_ROTATION_SCHEDULE): " + e.getMessage());
        }
        running.set(true);
        threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "keymgmt-local-rotation");
            t.setDaemon(true);
            return t;
        });
        threads.submit(() -> fireOnSchedule(schedule));
        threads.submit(this::workTheQueue);
        LOG.infof("local rotation runtime: timer on \"%s\" (UTC), queue %s", schedule, RotationQueue.NAME);
    }

    void stop(@Observes ShutdownEvent event) {
        running.set(false);
        if (threads != null) {
            threads.shutdownNow();
            try {
                threads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void fireOnSchedule(Ncrontab schedule) {
        ZonedDateTime next = schedule.next(ZonedDateTime.now(ZoneOffset.UTC));
        while (running.get()) {
            try {
                long wait = Duration.between(ZonedDateTime.now(ZoneOffset.UTC), next).toMillis();
                if (wait > 0) {
                    Thread.sleep(Math.min(wait, 1000));
                    continue;
                }
                timer.fire(Clock.systemUTC().instant());
            } catch (InterruptedException e) {
                return;
            } catch (KeyManagementException | StoreException e) {
                // As on Azure, a failed firing is not retried; the next one picks up what is still due.
                LOG.warnf("the rotation timer failed: %s", e.getMessage());
            }
            next = schedule.next(ZonedDateTime.now(ZoneOffset.UTC));
        }
    }

    private void workTheQueue() {
        while (running.get()) {
            try {
                var received = queue.receive(16, config.rotation().localRetryDelay());
                for (RotationQueue.Received message : received) {
                    work(message);
                }
                if (received.isEmpty()) {
                    Thread.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (StoreException e) {
                LOG.warnf("cannot read the rotation queue: %s", e.getMessage());
                sleepQuietly();
            }
        }
    }

    private void work(RotationQueue.Received message) {
        try {
            worker.handle(message.text(), message.id(), message.dequeueCount());
            queue.delete(message);
        } catch (KeyManagementException e) {
            if (message.dequeueCount() >= RotationQueue.MAX_DEQUEUE_COUNT) {
                // The host's rule: the failure on the last allowed try moves the message to the poison queue.
                queue.sendToPoison(message.text());
                queue.delete(message);
                LOG.warnf("message %s failed %d times and went to %s", message.id(), message.dequeueCount(),
                        RotationQueue.POISON);
            }
            // Otherwise it is left on the queue and comes back after the visibility timeout, as with the host.
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
