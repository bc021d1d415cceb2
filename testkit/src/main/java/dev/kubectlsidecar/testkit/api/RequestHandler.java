package dev.kubectlsidecar.testkit.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;

/** One of the API server's jobs the mock does not do; it answers the requests it claims, empty for the rest. */
public interface RequestHandler {
    Optional<MockResponse> handle(RecordedRequest request, ResourcePath path);
}
