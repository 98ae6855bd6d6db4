package dev.strata.diag;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every check Strata runs on a fleet, with its stable id. The ids are a public interface: CI
 * annotations, suppressions and docs name them. Each has an invalid fixture under
 * src/test/resources/invalid/&lt;id&gt;/ (a test fails when one is missing).
 */
public enum Check {
    // Reading YAML.
    YAML_SYNTAX("yaml.syntax", "Fix the YAML syntax at this position."),
    YAML_DUPLICATE_KEY("yaml.duplicate-key", "Remove one of the two keys; YAML would silently keep only one."),
    YAML_LIMIT("yaml.limit", "Split the file or remove the aliases; spec files are small by design."),
    YAML_TAG("yaml.tag", "Remove the tag: spec files use plain YAML values only."),
    // Fleet layout.
    FLEET_MISSING("fleet.missing", "Add a document with 'kind: Fleet' to the fleet folder, or point at the folder that has one."),
    FLEET_DUPLICATE("fleet.duplicate", "A fleet folder holds exactly one Fleet document; remove or move the others."),
    // JSON Schema (schemas/*.schema.json).
    API_VERSION("spec.api-version", "Use 'apiVersion: strata.dev/v1alpha1'."),
    KIND_UNKNOWN("spec.kind", "Use one of the kinds Fleet, Stream, Image, MachineGroup."),
    SCHEMA_UNKNOWN_FIELD("schema.unknown-field", "Check the spelling against docs/reference.md."),
    SCHEMA_REQUIRED("schema.required", "Add the missing property; docs/reference.md lists what each kind needs."),
    SCHEMA_TYPE("schema.type", "Give a value of the expected type; quote strings that YAML would read as numbers or booleans."),
    SCHEMA_ENUM("schema.enum", "Use one of the allowed values."),
    SCHEMA_CONSTRAINT("schema.constraint", "See docs/reference.md for the allowed values."),
    NAME_INVALID("name.invalid", "Use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit (at most 63 characters): names become registry repositories and Zincati groups."),
    MODE_INVALID("mode.invalid", "Write the mode as an octal string such as \"0644\" or \"0600\" (quote it, or YAML reads a number)."),
    OWNER_INVALID("owner.invalid", "Write the owner as numeric \"UID:GID\", such as \"0:0\"; names are not resolved at build time."),
    DIGEST_INVALID("digest.invalid", "Write a digest as sha256: followed by 64 lowercase hex characters."),
    MACHINE_ID_INVALID("machine-id.invalid", "Use the 32-hex app-specific id: systemd-id128 machine-id -a de35106b6ec24688b63afddaa156679b"),
    DURATION_INVALID("duration.invalid", "Write a duration such as 90s, 30m, 2h, 1h30m or 1d."),
    QUANTITY_INVALID("quantity.invalid", "Write a whole number of machines (at least 1) or a percentage such as \"20%\"."),
    URL_INVALID("url.invalid", "Write an absolute http or https URL."),
    PLATFORM_INVALID("platform.invalid", "Write a platform as os/arch[/variant]: linux/amd64, linux/arm64, linux/ppc64le, linux/s390x, linux/riscv64, linux/386 or linux/arm/v7."),
    // Values the schema cannot judge.
    IMAGE_REF_INVALID("image-ref.invalid", "Write a reference such as quay.io/fedora/fedora-coreos or registry.example.com/fleet (add @sha256:... where a digest is required)."),
    TIMEZONE_UNKNOWN("timezone.unknown", "Use an IANA time zone name such as Europe/Berlin, America/New_York or UTC."),
    WINDOW_INVALID("window.invalid", "A window needs at least one day, a start HH:MM and a length between 1m and 7d."),
    STREAM_NO_TAG("stream.no-tag", "Give 'tag' to follow a stream, or 'pin' to hold a digest."),
    // References between objects.
    NAME_DUPLICATE("name.duplicate", "Names are unique per kind; rename one of them."),
    REF_UNKNOWN_STREAM("ref.unknown-stream", "Name a Stream defined in this fleet."),
    REF_UNKNOWN_IMAGE("ref.unknown-image", "Name an Image defined in this fleet."),
    IMAGE_CYCLE("image.cycle", "Images built from each other can never be built; break the cycle."),
    // Machines and rollouts.
    MACHINE_DUPLICATE_ID("machine.duplicate-id", "A machine belongs to exactly one group; remove it from the others."),
    MACHINE_PLATFORM("machine.platform", "Give the machine the platform it has, and list that platform in the image's 'platforms' (an image without 'platforms' is linux/amd64 only)."),
    MACHINE_DUPLICATE_NAME("machine.duplicate-name", "Machine names are unique across the fleet; rename one."),
    WAVE_TARGET("wave.target", "Give a wave exactly one of 'machines', 'selector' or 'percent'."),
    WAVE_DUPLICATE("wave.duplicate-name", "Wave names are unique within a group."),
    WAVE_PERCENT_ORDER("wave.percent-order", "Wave percentages are cumulative shares of the group: each must be larger than the one before."),
    WAVE_PERCENT_END("wave.percent-end", "End the rollout with a wave of 'percent: 100' so every machine is reached."),
    WAVE_UNKNOWN_MACHINE("wave.unknown-machine", "Name a machine of this group, by its name or id."),
    WAVE_SELECTOR_EMPTY("wave.selector-empty", "Fix the selector's labels, or label the machines it is meant to match."),
    ROLLOUT_UNKNOWN_WAVE("rollout.unknown-wave", "Name one of this group's waves."),
    // Files carried by images.
    FILE_SOURCE_OR_CONTENT("file.source-or-content", "Give a file exactly one of 'source' (a file in the repository) or 'content' (inline text)."),
    FILE_SOURCE_MISSING("file.source-missing", "Commit the file, or fix the path: 'source' is relative to the YAML file that names it."),
    FILE_SOURCE_ESCAPES("file.source-escapes", "Keep sources inside the repository: no absolute paths, no '..' above the root, no symlinks that lead out."),
    FILE_PATH_INVALID("file.path-invalid", "Give an absolute path inside the image, such as /etc/example.conf, with no '..' segments."),
    FILE_DUPLICATE_PATH("file.duplicate-path", "Write each path once per image; the later entry would silently replace the earlier one."),
    FILE_UNDER_VAR("file.under-var", "Files under /var are copied only at install, so existing machines never see them; use /etc or /usr, or a systemd-tmpfiles rule.", Severity.WARNING),
    FILE_ETC_MERGE("file.etc-merge", "Machines three-way merge /etc on update: a local edit of this file wins over the image. Prefer a drop-in file under a .d folder, or /usr.", Severity.WARNING),
    // Containerfile layers, built by buildah.
    CONTAINERFILE_MIXED("containerfile.mixed", "Give a layer either a containerfile or files, directories, systemd and kernelArguments; put them in separate layers, in the order they apply."),
    CONTAINERFILE_MISSING("containerfile.missing", "Commit the Containerfile and its context folder, or fix the path: 'path' and 'context' are relative to the YAML file that names them."),
    CONTAINERFILE_ESCAPES("containerfile.escapes", "Keep the Containerfile and its context inside the repository, and every symlink in the context inside the context: no absolute paths, no '..' above them."),
    CONTAINERFILE_ARG("containerfile.arg", "Name build arguments with letters, digits and '_', not starting with a digit; names starting with STRATA_, and KERNEL_VERSION, are set by Strata."),
    CONTAINERFILE_FROM("containerfile.from", "Start every stage FROM ${STRATA_BASE}, an earlier stage, or an image pinned by digest (name@sha256:<64 hex>), so the inputs digest covers what is built; COPY --from likewise."),
    // Delivery.
    ZINCATI_MACHINE_ID("zincati.machine-id", "Zincati sends the app-specific machine id as 32 lowercase hex characters; write it so."),
    ZINCATI_KERNEL_ARGUMENTS("zincati.kernel-arguments", "rpm-ostree ignores bootc kargs.d: use 'delivery: bootc', or set kernel arguments with Butane/Ignition."),
    // The host agent.
    AGENT_CHECK_INVALID("agent.check-invalid", "Write each check as {http: URL} (passes when it answers below 400) or {tcp: HOST:PORT} (passes when it accepts a connection)."),
    AGENT_TIMEOUT("agent.timeout", "Give connectivityTimeout at least 30s, so the network can come up, and less than rollout.updateTimeout, so a host rolls itself back before the group counts it failed."),
    AGENT_IMAGE_SHARED("agent.image-shared", "The agent is part of the image: groups running one image, or images built on one another, need the same delivery and agent.enabled; otherwise give them separate images.");

    private final String id;
    private final String hint;
    private final Severity severity;

    Check(String id, String hint) {
        this(id, hint, Severity.ERROR);
    }

    Check(String id, String hint, Severity severity) {
        this.id = id;
        this.hint = hint;
        this.severity = severity;
    }

    public String id() {
        return id;
    }

    public String hint() {
        return hint;
    }

    public Severity severity() {
        return severity;
    }

    public static Optional<Check> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
