package io.keymgmt.http.rotation;

/**
 * The rotation app's two Azure Functions, by name: the folder names of a custom handler's
 * function.json files, the paths the host POSTs their invocations to, and the Java worker's
 * {@code @FunctionName}s.
 */
public final class RotationFunctions {

    /** Timer trigger: queues the keys that are due and the distributions left behind. */
    public static final String TIMER = "RotationTimer";
    /** Queue trigger: does one queued item of work. */
    public static final String QUEUE = "RotationQueue";
    /** The timer binding's schedule: the app setting that holds the NCRONTAB expression. */
    public static final String SCHEDULE_SETTING = "%KEYMGMT_ROTATION_SCHEDULE%";
    /** The storage account the queue trigger reads: the host's own, as Functions does by default. */
    public static final String QUEUE_CONNECTION = "AzureWebJobsStorage";

    private RotationFunctions() {
    }
}
