package io.keymgmt.store.table;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Hands the ETags in an entity group transaction's answer to its {@link EntityGroupTransaction},
 * which the SDK would drop. Requests without one pass untouched.
 */
final class TransactionEtagCapture implements HttpPipelinePolicy {

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Optional<EntityGroupTransaction> transaction = EntityGroupTransaction.of(context);
        HttpResponse response = next.processSync();
        if (transaction.isEmpty()) {
            return response;
        }
        // Buffered so that the SDK can still read the body after us.
        HttpResponse buffered = response.buffer();
        transaction.get().recordAnswer(buffered.getBodyAsBinaryData().toString());
        return buffered;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        Optional<EntityGroupTransaction> transaction = EntityGroupTransaction.of(context);
        if (transaction.isEmpty()) {
            return next.process();
        }
        return next.process().flatMap(response -> {
            HttpResponse buffered = response.buffer();
            return buffered.getBodyAsString(StandardCharsets.UTF_8).defaultIfEmpty("").map(body -> {
                transaction.get().recordAnswer(body);
                return buffered;
            });
        });
    }
}
