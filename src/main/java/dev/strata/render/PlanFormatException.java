package dev.strata.render;

/**
 * A saved plan file that cannot be read: not JSON, a format version this Strata does not read, or a
 * field missing or of the wrong shape. {@code pointer} is the JSON Pointer of the offending value
 * ("" for the whole document).
 */
public final class PlanFormatException extends Exception {
    private final String pointer;

    public PlanFormatException(String pointer, String message) {
        super(pointer.isEmpty() ? message : message + " (at " + pointer + ")");
        this.pointer = pointer;
    }

    public String pointer() {
        return pointer;
    }
}
