package dev.strata.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static dev.strata.delivery.TestFleet.NEW;
import static dev.strata.delivery.TestFleet.NEWER;
import static dev.strata.delivery.TestFleet.OLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusParserTest {
    @Test
    void aBootcArchitectureThatIsNoArchitectureIsRefused() {
        String doc = new String(StatusDocs.bootc(NEW, null, null), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"architecture\":\"amd64\"", "\"architecture\":\"amd64; rm -rf\"");
        assertThatThrownBy(() -> StatusParser.parse(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessageContaining("status.booted.image.architecture: expected an architecture such as amd64 or arm64");
    }

    @Test
    void bootcStatusGivesBootedStagedAndRollback() throws Exception {
        assertThat(StatusParser.parse(StatusDocs.bootc(NEW, NEWER, OLD))).isEqualTo(
                new StatusReport(StatusReport.Shape.BOOTC, NEW, Optional.of(NEWER), Optional.of(OLD), Optional.of("amd64")));
        assertThat(StatusParser.parse(StatusDocs.bootc(NEW, null, null))).isEqualTo(
                new StatusReport(StatusReport.Shape.BOOTC, NEW, Optional.empty(), Optional.empty(), Optional.of("amd64")));
    }

    @Test
    void rpmOstreeStatusGivesBootedStagedAndTheOtherDeploymentAsRollback() throws Exception {
        assertThat(StatusParser.parse(StatusDocs.rpmOstree(NEW, NEWER, OLD))).isEqualTo(
                new StatusReport(StatusReport.Shape.RPM_OSTREE, NEW, Optional.of(NEWER), Optional.of(OLD)));
        assertThat(StatusParser.parse(StatusDocs.rpmOstree(OLD, null, NEW))).isEqualTo(
                new StatusReport(StatusReport.Shape.RPM_OSTREE, OLD, Optional.empty(), Optional.of(NEW)));
    }

    @Test
    void aPrettyPrintedBodyWithUnknownFieldsIsFine() throws Exception {
        String pretty = new String(StatusDocs.bootc(NEW, null, OLD), StandardCharsets.UTF_8)
                .replace(",", ",\n  ").replace("{\"apiVersion\"", "{\"newField\": [1, 2],\n\"apiVersion\"");
        assertThat(StatusParser.parse(pretty.getBytes(StandardCharsets.UTF_8)).rollback()).contains(OLD);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                  | {"kind": "BootcHost",                                  | body is not valid JSON
            trailing garbage          | {"kind":"BootcHost","status":{}} x                     | body is not valid JSON
            an array                  | []                                                     | body: expected a JSON object, got an array
            neither shape             | {"hello":"world"}                                      | neither bootc status
            wrong kind                | {"kind":"Pod","status":{}}                             | kind: expected "BootcHost"
            wrong apiVersion          | {"kind":"BootcHost","apiVersion":"v2","status":{}}     | apiVersion: expected org.containers.bootc/v1
            status not an object      | {"kind":"BootcHost","status":[]}                       | status: expected an object, got an array
            no booted                 | {"kind":"BootcHost","status":{"booted":null}}          | status.booted: null; this host is not booted from a bootc image
            booted image null         | {"kind":"BootcHost","status":{"booted":{"image":null}}} | status.booted.image: null
            digest a number           | {"kind":"BootcHost","status":{"booted":{"image":{"imageDigest":7}}}} | status.booted.image.imageDigest: expected a digest sha256:<64 hex>, got a number
            digest malformed          | {"kind":"BootcHost","status":{"booted":{"image":{"imageDigest":"sha256:abc"}}}} | status.booted.image.imageDigest: not a digest
            staged wrong type         | {"kind":"BootcHost","status":{"booted":{"image":{"imageDigest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}},"staged":"yes"}} | status.staged: expected an object, got a string
            duplicate key             | {"kind":"BootcHost","kind":"BootcHost","status":{}}    | body is not valid JSON: Duplicate field 'kind'
            deployments not an array  | {"deployments":{}}                                     | deployments: expected an array, got an object
            deployments empty         | {"deployments":[]}                                     | deployments: empty
            none booted               | {"deployments":[{"booted":false}]}                     | deployments: none has "booted": true
            booted flag a string      | {"deployments":[{"booted":"true"}]}                    | deployments[0].booted: expected true or false, got a string
            booted without digest     | {"deployments":[{"booted":true,"checksum":"abc"}]}     | deployments[0].container-image-reference-digest: missing on the booted deployment
            two booted                | {"deployments":[{"booted":true,"container-image-reference-digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"},{"booted":true}]} | deployments[1].booted: a second booted deployment
            deployment not an object  | {"deployments":[3]}                                    | deployments[0]: expected an object, got a number
            """)
    void malformedOrWrongShapedBodiesNameTheField(String what, String body, String message) {
        assertThatThrownBy(() -> StatusParser.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StatusParser.InvalidStatusException.class).hasMessageContaining(message);
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "{\"kind\":\"BootcHost\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> StatusParser.parse(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(StatusParser.InvalidStatusException.class).hasMessageContaining("body is not valid JSON");
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertThatThrownBy(() -> StatusParser.parse(new byte[0])).hasMessageContaining("body is empty");
    }
}
