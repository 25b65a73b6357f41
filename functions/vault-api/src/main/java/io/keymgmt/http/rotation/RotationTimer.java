package io.keymgmt.http.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.engine.KeyManagementEngine;
import io.keymgmt.engine.ScheduledWork;
import io.keymgmt.http.config.KeymgmtConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What the timer does when it fires, in every hosting: asks the engine what is due and puts one
 * message per item on the rotation queue. Firing twice queues the same items twice; the queue
 * function does each item once (the message names the version it replaces).
 */
@ApplicationScoped
@IfBuildProperty(name = "keymgmt.app.rotation", stringValue = "true")
public class RotationTimer {

    private static final Logger LOG = Logger.getLogger(RotationTimer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KeyManagementEngine engine;

    @Inject
    RotationQueue queue;

    @Inject
    KeymgmtConfig config;

    /** @return how many items were queued */
    public int fire(Instant now) {
        List<ScheduledWork> work = engine.rotations().plan(now, config.rotation().planLimit());
        for (ScheduledWork item : work) {
            queue.send(encode(item));
            LOG.infof("queued %s", item.description());
        }
        if (work.size() >= config.rotation().planLimit()) {
            LOG.infof("queued the first %d items; the rest waits for the next firing", work.size());
        }
        return work.size();
    }

    private static String encode(ScheduledWork item) {
        try {
            return JSON.writeValueAsString(item.message());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + item.description(), e);
        }
    }
}
