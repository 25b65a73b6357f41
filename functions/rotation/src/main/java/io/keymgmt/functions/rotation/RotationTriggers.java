package io.keymgmt.functions.rotation;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.http.rotation.RotationQueue;
import io.keymgmt.http.rotation.RotationTimer;
import io.keymgmt.http.rotation.RotationWorker;
import jakarta.inject.Inject;
import java.time.Clock;

/**
 * The rotation app's triggers on the Functions Java worker (quarkus-azure-functions makes this class
 * a CDI bean). Both only hand over to what every hosting shares. A failure is thrown, so the host
 * retries a queue message and, after maxDequeueCount tries, moves it to the poison queue.
 */
public class RotationTriggers {

    @Inject
    RotationTimer timer;

    @Inject
    RotationWorker worker;

    @FunctionName(RotationFunctions.TIMER)
    public void timer(@TimerTrigger(name = "timer", schedule = RotationFunctions.SCHEDULE_SETTING) String timerInfo,
            ExecutionContext context) {
        int queued = timer.fire(Clock.systemUTC().instant());
        context.getLogger().info("queued " + queued + " items of rotation work");
    }

    @FunctionName(RotationFunctions.QUEUE)
    public void queue(@QueueTrigger(name = "message", queueName = RotationQueue.NAME,
            connection = RotationFunctions.QUEUE_CONNECTION) String message,
            @BindingName("Id") String id, @BindingName("DequeueCount") String dequeueCount, ExecutionContext context) {
        // Metadata as a String: the extension's function scan cannot load primitive parameter types.
        RotationWorker.Handled handled = worker.handle(message, id, tries(dequeueCount));
        context.getLogger().info("message " + id + ": " + handled.detail());
    }

    private static long tries(String dequeueCount) {
        try {
            return dequeueCount == null ? 1 : Long.parseLong(dequeueCount.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
