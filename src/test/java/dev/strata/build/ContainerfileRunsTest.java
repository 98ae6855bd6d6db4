package dev.strata.build;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Containerfiles run programs of the image (and so need a builder per platform), read as buildah reads them. */
class ContainerfileRunsTest {
    private static Optional<ContainerfileRuns.Instruction> first(String containerfile) {
        return ContainerfileRuns.firstRunning(containerfile.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void copiesAndMetadataRunNothing() {
        assertThat(first("""
                # syntax and comments first
                ARG STRATA_BASE
                FROM ${STRATA_BASE} AS stage
                ARG KERNEL_VERSION

                LABEL a=b \\
                      run=RUN
                COPY --chmod=0644 a /usr/lib/modules/${KERNEL_VERSION}/extra/
                add b /opt/b
                ENV RUN=1
                WORKDIR /opt
                FROM ${STRATA_BASE}
                COPY --from=stage /opt/b /opt/b
                """)).isEmpty();
    }

    @Test
    void aRunInAnyStageIsFoundAtItsLineAlsoInLowerCase() {
        assertThat(first("""
                ARG STRATA_BASE
                FROM ${STRATA_BASE} AS builder
                run make \\
                    all
                FROM ${STRATA_BASE}
                """)).contains(new ContainerfileRuns.Instruction(3, "RUN"));
    }

    @Test
    void aContinuedLineIsNotReadAsAnInstructionButTheNextOneIs() {
        assertThat(first("""
                FROM scratch
                COPY a \\
                # a comment inside the continuation
                     b /
                RUN true
                """)).contains(new ContainerfileRuns.Instruction(5, "RUN"));
    }

    @Test
    void theEscapeDirectiveChangesTheContinuationCharacter() {
        assertThat(first("""
                # escape=`
                FROM scratch
                LABEL a=b `
                    RUN=x
                COPY a\\ /
                RUN true
                """)).contains(new ContainerfileRuns.Instruction(6, "RUN"));
    }

    @Test
    void anInstructionItDoesNotKnowCountsAsRunning() {
        assertThat(first("FROM scratch\nFROBNICATE x\n")).contains(new ContainerfileRuns.Instruction(2, "FROBNICATE"));
    }
}
