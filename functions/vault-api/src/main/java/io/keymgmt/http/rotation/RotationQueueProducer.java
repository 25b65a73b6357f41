package io.keymgmt.http.rotation;

import com.azure.core.http.HttpClient;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.keymgmt.http.config.KeymgmtConfig;
import io.keymgmt.store.StoreException;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The rotation queue: in the storage account of
 * keymgmt.storage.connection-string (its QueueEndpoint), or at keymgmt.storage.queue-endpoint with
 * the managed identity. It must be the queue the Functions host's trigger reads (AzureWebJobsStorage).
 * Made when first needed: the apps that use it (rotation, which reads it, and key-distribution, which
 * queues the operations workflows start) resolve it at start-up through {@link RotationQueueAtStartup}.
 */
@ApplicationScoped
public class RotationQueueProducer {

    @Produces
    @Singleton
    RotationQueue rotationQueue(KeymgmtConfig config, HttpClient http) {
        KeymgmtConfig.Storage storage = config.storage();
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().httpClient(http)
                .messageEncoding(QueueMessageEncoding.BASE64);
        try {
            if (storage.connectionString().isPresent()) {
                builder.connectionString(storage.connectionString().get());
            } else if (storage.queueEndpoint().isPresent()) {
                builder.endpoint(storage.queueEndpoint().get())
                        .credential(new ManagedIdentityCredentialBuilder().httpClient(http).build());
            } else {
                throw new ConfigurationException("this app needs the rotation queue: set keymgmt.storage.queue-endpoint "
                        + "(KEYMGMT_STORAGE_QUEUE_ENDPOINT, reached with the managed identity) or "
                        + "keymgmt.storage.connection-string (KEYMGMT_STORAGE_CONNECTION_STRING) with a QueueEndpoint");
            }
            return new RotationQueue(builder.buildClient()).ensureQueues();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the rotation queue cannot be reached with keymgmt.storage.*: "
                    + e.getMessage());
        } catch (StoreException e) {
            throw new ConfigurationException("cannot start: " + e.getMessage()
                    + "; check keymgmt.storage.* and the identity's Storage Queue Data role");
        }
    }
}
