package dev.strata.spec;

/** A number of machines, absolute ({@code 2}) or a share of a total ({@code "20%"}). */
public record Quantity(int value, boolean percent) {
    public static final Quantity ONE = new Quantity(1, false);

    public Quantity {
        if (value < 0 || (percent && value > 100)) throw new IllegalArgumentException("quantity out of range: " + value);
    }

    /** Resolves against {@code total} machines: percentages round down, but never to 0 when there are machines. */
    public int of(int total) {
        if (total <= 0) return 0;
        int n = percent ? (int) ((long) total * value / 100) : value;
        return Math.max(1, Math.min(n, total));
    }

    @Override
    public String toString() {
        return percent ? value + "%" : Integer.toString(value);
    }
}
