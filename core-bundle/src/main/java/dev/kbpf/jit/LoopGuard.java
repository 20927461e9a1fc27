package dev.kbpf.jit;

import dev.kbpf.memory.Address;
import dev.kbpf.memory.AddressSpace;
import dev.kbpf.memory.Region;
import dev.kbpf.memory.RegionKind;

/**
 * The run-time half of {@link CountedLoop}: what the generated guard in front of a versioned loop
 * calls, once per entry into the loop, to decide whether the fast copy may run. Every answer is
 * conservative: "no" only means the checked copy runs.
 */
final class LoopGuard {
    private LoopGuard() {}

    /** Stands for the region of an access that runs in no trip: the fast copy never reaches it. */
    static final Region NEVER = new Region(RegionKind.RAW, "no trip reaches this access", new byte[0], 0, 0, true);

    /** {@link CountedLoop.Bound} ordinals, as the generated code passes them. */
    static final int BELOW = 0, AT_MOST = 1, ABOVE = 2, AT_LEAST = 3, NOT_EQUAL = 4;

    /**
     * How many times the loop goes on past its exit test (the test runs once more and ends it), or
     * -1 when the fast copy must not run: a value that is negative (so signed and unsigned
     * comparisons could differ) or would overflow, or a budget that might run out inside the loop.
     *
     * @param first    the induction variable as the first exit test sees it
     * @param limit    what it is compared with
     * @param step     its change per trip (positive for BELOW and AT_MOST, negative for ABOVE and
     *                 AT_LEAST; either for NOT_EQUAL, which must then reach the limit exactly)
     * @param left     the instruction budget left on entering the loop
     * @param toTest   instructions per trip up to and including the test
     * @param afterTest instructions per trip after the test
     */
    static long trips(long first, long limit, long step, int bound, long left, int toTest, int afterTest) {
        if (first < 0 || limit < 0) return -1;
        long n;
        if (bound == NOT_EQUAL) {   // values between first and limit, which it reaches in whole steps
            long distance = step > 0 ? limit - first : first - limit;
            long stride = Math.abs(step);
            if (distance < 0 || stride <= 0 || distance % stride != 0) return -1;
            n = distance / stride;
        } else if (step > 0) {
            if (limit > Long.MAX_VALUE - step) return -1;   // every value the loop reaches stays non-negative
            n = switch (bound) {
                case BELOW -> first >= limit ? 0 : (limit - first + step - 1) / step;
                case AT_MOST -> first > limit ? 0 : (limit - first) / step + 1;
                default -> -1;
            };
        } else {
            long down = -step;
            if (down <= 0 || limit < down) return -1;
            n = switch (bound) {
                case ABOVE -> first <= limit ? 0 : (first - limit + down - 1) / down;
                case AT_LEAST -> first < limit ? 0 : (first - limit) / down + 1;
                default -> -1;
            };
        }
        if (n < 0) return -1;
        long perTrip = (long) toTest + afterTest;
        if (n > (Long.MAX_VALUE - toTest) / perTrip) return -1;
        return left >= n * perTrip + toTest ? n : -1;
    }

    /**
     * The region every run of one access falls in, or null if the fast copy must not run. The
     * access reads or writes {@code size} bytes at {@code base + shift} (an invariant base) or at
     * {@code base + trip * step + shift} for each trip it runs in (an induction variable; step is 0
     * for an invariant base).
     *
     * @param trips      what {@link #trips} returned
     * @param inLastTrip whether the access comes before the exit test (it then runs {@code trips + 1} times)
     */
    static Region region(AddressSpace mem, long base, long shift, long step, long trips, boolean inLastTrip, int size, boolean write) {
        long last = inLastTrip ? trips : trips - 1;
        if (last < 0) return NEVER;
        long lo;
        long hi;
        try {
            long a = Math.addExact(base, shift);
            long b = Math.addExact(a, Math.multiplyExact(last, step));
            lo = Math.min(a, b);
            hi = Math.max(a, b);
        } catch (ArithmeticException e) {
            return null;
        }
        int id = Address.regionId(lo);
        if (Address.regionId(hi) != id) return null;
        Region r = mem.region(id);
        if (r == null || r.kind() == RegionKind.RINGBUF || (write && r.readOnly())) return null;
        long end = Address.offset(hi) + size;
        return end <= r.size() ? r : null;
    }

    private static final java.util.concurrent.atomic.AtomicLong FAST_ENTRIES = new java.util.concurrent.atomic.AtomicLong();

    /** Counts an entry into a fast copy; only code compiled for tests calls it ({@code Loops.VERSIONED_AND_COUNTED}). */
    static void entered() { FAST_ENTRIES.incrementAndGet(); }

    /** How many times fast copies compiled for counting were entered, in this JVM. */
    static long fastEntries() { return FAST_ENTRIES.get(); }

    /** The array index of the access at {@code address} in {@code r} (which {@link #region} returned for it). */
    static int index(Region r, long address) { return r.base() + (int) address; }
}
