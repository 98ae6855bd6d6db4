package dev.strata.spec;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of document in a fleet. */
public enum Kind {
    FLEET("Fleet"), STREAM("Stream"), IMAGE("Image"), MACHINE_GROUP("MachineGroup");

    public static final String API_VERSION = "strata.dev/v1alpha1";
    public static final String API_GROUP = "strata.dev/";

    private final String displayName;

    Kind(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /** The schema file of this kind in schemas/. */
    public String schemaFile() {
        return switch (this) {
            case FLEET -> "fleet.schema.json";
            case STREAM -> "stream.schema.json";
            case IMAGE -> "image.schema.json";
            case MACHINE_GROUP -> "machinegroup.schema.json";
        };
    }

    public static Optional<Kind> of(String name) {
        return Arrays.stream(values()).filter(k -> k.displayName.equals(name)).findFirst();
    }
}
