package dev.kubectlsidecar.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.agent.http.AdmissionServer;
import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.json.JsonMappers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Every way a request can be wrong gets a fast, exact 4xx with a one-line error, and the server keeps serving. */
class BadRequestTest {
    @RegisterExtension
    static final RunningAgent running = RunningAgent.shared();

    private static void assertError(HttpResponse<String> response, int status, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        String error = JsonMappers.JSON.readTree(response.body()).get("error").asString();
        assertThat(error).contains(messagePart).doesNotContain("\n");
    }

    @Test
    void bodyThatIsNotJsonIs400() throws Exception {
        assertError(running.post("/inject", "application/json", "{not json"), 400, "not valid JSON");
    }

    @Test
    void emptyBodyIs400() throws Exception {
        assertError(running.post("/inject", "application/json", ""), 400, "empty");
    }

    @Test
    void wrongApiVersionIs400() throws Exception {
        ObjectNode review = Reviews.podCreate("u1", "shop", Reviews.pod("p"));
        review.put("apiVersion", "admission.k8s.io/v1beta1");
        assertError(running.review(review), 400, "apiVersion must be admission.k8s.io/v1, got \"admission.k8s.io/v1beta1\"");
    }

    @Test
    void wrongKindIs400() throws Exception {
        ObjectNode review = Reviews.podCreate("u1", "shop", Reviews.pod("p"));
        review.put("kind", "Pod");
        assertError(running.review(review), 400, "kind must be AdmissionReview");
    }

    @Test
    void jsonThatIsNotAnObjectIs400() throws Exception {
        assertError(running.post("/inject", "application/json", "[1,2]"), 400, "not an AdmissionReview");
    }

    @Test
    void missingRequestIs400() throws Exception {
        ObjectNode review = Reviews.podCreate("u1", "shop", Reviews.pod("p"));
        review.remove("request");
        assertError(running.review(review), 400, "missing request");
    }

    @Test
    void missingUidIs400() throws Exception {
        ObjectNode review = Reviews.podCreate("u1", "shop", Reviews.pod("p"));
        ((ObjectNode) review.get("request")).remove("uid");
        assertError(running.review(review), 400, "missing request.uid");
    }

    @Test
    void missingObjectIs400() throws Exception {
        assertError(running.review(Reviews.podCreate("u1", "shop", null)), 400, "missing request.object");
    }

    @Test
    void objectThatIsNotAnObjectIs400() throws Exception {
        assertError(running.review(Reviews.podCreate("u1", "shop", Json.array().add("pod"))), 400,
                "request.object must be an object, got a JSON array");
    }

    @Test
    void objectOfAnotherKindIs400() throws Exception {
        ObjectNode deployment = Reviews.pod("d");
        deployment.put("kind", "Deployment");
        assertError(running.review(Reviews.podCreate("u1", "shop", deployment)), 400,
                "request.object is a Deployment, not a Pod");
    }

    @Test
    void absurdNestingIs400WithoutAStackOverflow() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertError(running.post("/inject", "application/json", deep), 400, "nesting depth");
        String deepInReview = JsonMappers.JSON.writeValueAsString(Reviews.podCreate("u1", "shop", Reviews.pod("p")))
                .replace("\"dryRun\":false", "\"dryRun\":" + "{\"a\":".repeat(300) + "1" + "}".repeat(300));
        assertError(running.post("/inject", "application/json", deepInReview), 400, "nesting depth");
        assertThat(running.get("/healthz").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/yaml", "application/json; charset=iso-8859-1",
            "application/jsonx"})
    void wrongContentTypeIs415(String contentType) throws Exception {
        String body = JsonMappers.JSON.writeValueAsString(Reviews.podCreate("u1", "shop", Reviews.pod("p")));
        assertError(running.post("/inject", contentType, body), 415, "Content-Type must be application/json");
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        assertError(running.post("/inject", null, "{}"), 415, "got none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"})
    void jsonContentTypesAreAccepted(String contentType) throws Exception {
        String body = JsonMappers.JSON.writeValueAsString(Reviews.podCreate("u1", "shop", Reviews.pod("p")));
        assertThat(running.post("/inject", contentType, body).statusCode()).isEqualTo(200);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> get = running.get("/inject");
        assertError(get, 405, "GET is not allowed on /inject");
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> post = running.post("/healthz", "application/json", "{}");
        assertError(post, 405, "POST is not allowed on /healthz");
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        HttpResponse<String> delete = running.client.send(HttpRequest.newBuilder(running.uri("/metrics"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertError(delete, 405, "DELETE is not allowed on /metrics");
    }

    @Test
    void unknownPathIs404() throws Exception {
        assertError(running.get("/mutate"), 404, "no such path: /mutate");
        assertError(running.post("/inject/extra", "application/json", "{}"), 404, "no such path");
    }

    @Test
    void declaredBodyOverTheLimitIs413BeforeTheBodyIsSent() throws Exception {
        long declared = 7L * 1024 * 1024;
        try (RawHttps raw = new RawHttps(TestPki.trusting(running.ca.certificate()), running.agent.port())) {
            raw.write("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + declared + "\r\n\r\n{\"apiVersion\":");
            String answer = raw.readAll();
            assertThat(RawHttps.status(answer)).as(answer).isEqualTo(413);
            assertThat(answer).contains("larger than the limit of " + AdmissionServer.MAX_BODY_BYTES + " bytes")
                    .containsIgnoringCase("connection: close");
        }
    }

    @Test
    void streamedBodyOverTheLimitIs413WhileItArrives() throws Exception {
        try (RawHttps raw = new RawHttps(TestPki.trusting(running.ca.certificate()), running.agent.port())) {
            raw.write("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("10000\r\n" + " ".repeat(0x10000) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long sent = 0;
            // Keep sending (well past the limit) until the server answers and closes; never send a final chunk.
            try {
                while (sent < 64L * 1024 * 1024) {
                    raw.write(chunk);
                    sent += 0x10000;
                }
            } catch (java.io.IOException closedByServer) {
                // expected: the server stopped reading and closed
            }
            String answer = raw.readAll();
            assertThat(RawHttps.status(answer)).as(answer).isEqualTo(413);
            assertThat(sent).isLessThan(64L * 1024 * 1024);
        }
    }

    @Test
    void bodyJustUnderTheLimitIsReadAndParsed() throws Exception {
        ObjectNode review = Reviews.podCreate("big", "shop",
                Reviews.annotated(Reviews.pod("p"), "example.com/blob",
                        "x".repeat((int) AdmissionServer.MAX_BODY_BYTES - 1024)));
        HttpResponse<String> response = running.review(review);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonMappers.JSON.readTree(response.body()).at("/response/uid").asString()).isEqualTo("big");
    }

    @Test
    void keepAliveConnectionSurvivesABadReview() throws Exception {
        try (RawHttps raw = new RawHttps(TestPki.trusting(running.ca.certificate()), running.agent.port())) {
            String bad = "{\"kind\":\"x\"}";
            raw.write("POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + bad.length() + "\r\n\r\n" + bad);
            assertThat(RawHttps.status(raw.readResponse())).isEqualTo(400);
            raw.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(raw.readResponse()).startsWith("HTTP/1.1 200").endsWith("ok\n");
        }
    }

    @Test
    void errorsAreCountedAsErrors() throws Exception {
        double before = counter("error");
        running.post("/inject", "text/plain", "x");
        running.post("/inject", "application/json", "{");
        running.review(Reviews.podCreate("u1", "shop", null));
        assertThat(counter("error")).isEqualTo(before + 3);
    }

    private static double counter(String outcome) {
        return running.agent.metrics().registry().get("kubectl.sidecar.admission.requests").tag("outcome", outcome)
                .counter().count();
    }


}
