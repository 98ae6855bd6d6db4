package dev.strata.validate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerfileFromTest {
    private static final String PINNED = "quay.io/fedora/fedora@sha256:" + "ab".repeat(32);

    private static List<String> violations(String containerfile) {
        return ContainerfileFrom.check(containerfile).stream()
                .map(v -> v.line() + ":" + v.column() + " " + v.message().split(" ")[0] + " " + v.message().split(" ")[1])
                .toList();
    }

    @Test
    void theBaseEarlierStagesScratchAndPinnedImagesAreAllowed() {
        assertThat(violations("""
                # syntax comment
                ARG STRATA_BASE
                FROM ${STRATA_BASE} AS Builder
                FROM $STRATA_BASE
                FROM %s AS tools
                FROM scratch
                COPY --from=builder /a /a
                COPY --from=0 /a /b
                COPY --chown=0:0 --from=tools /c /c
                RUN --mount=type=bind,from=tools,target=/t true
                FROM --platform=linux/amd64 ${STRATA_BASE}
                """.formatted(PINNED))).isEmpty();
    }

    @Test
    void movingTagsVariablesAndLaterStagesAreReportedAtTheirPosition() {
        assertThat(violations("""
                ARG STRATA_BASE
                FROM fedora:40 AS builder
                FROM ${STRATA_BASE}
                COPY --from=5 /a /a
                RUN --mount=type=bind,from=alpine,target=/t true
                FROM \\
                   $OTHER
                FROM busybox@sha256:abc
                """)).containsExactly(
                "2:6 FROM fedora:40", "4:6 COPY --from=5", "5:5 RUN --mount=type=bind,from=alpine,target=/t",
                "7:4 FROM $OTHER", "8:6 FROM busybox@sha256:abc");
    }

    @Test
    void heredocBodiesAndCommentsAreNotInstructions() {
        assertThat(violations("""
                FROM ${STRATA_BASE}
                RUN <<EOF
                FROM fedora:40
                EOF
                # FROM fedora:41
                RUN echo \\
                # FROM inside a continuation is a comment
                  done
                """)).isEmpty();
    }

    @Test
    void aContainerfileWithoutFromIsReported() {
        assertThat(violations("RUN true\n")).containsExactly("1:1 the Containerfile");
    }
}
