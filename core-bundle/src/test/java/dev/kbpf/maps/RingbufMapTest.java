package dev.kbpf.maps;

import dev.kbpf.api.Errno;
import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

import static dev.kbpf.api.MapFlags.*;
import static dev.kbpf.maps.TestBytes.*;
import static org.junit.jupiter.api.Assertions.*;

class RingbufMapTest {

    private static RingbufMap ring(int size) {
        return (RingbufMap) MapFactory.create(MapAttr.of(MapType.RINGBUF, 0, 0, size), 1);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Reserves, fills with {@code tag} and returns the data offset. */
    private static int reserveFilled(RingbufMap rb, int len, int tag) {
        int off = rb.reserve(len, 0);
        assertTrue(off >= 0, "reserve of " + len + " failed");
        for (int i = 0; i < len; i++) rb.valueStorage(0)[off + i] = (byte) (tag + i);
        return off;
    }

    @Test
    void recordsArriveInOrderAndDiscardedOnesAreSkipped() {
        RingbufMap rb = ring(4096);
        int a = reserveFilled(rb, 5, 1);
        int b = reserveFilled(rb, 16, 2);
        int c = reserveFilled(rb, 3, 3);
        assertEquals(a + 8 + 8, b, "records are 8-byte aligned with an 8-byte header");
        rb.submit(a, 0);
        rb.discard(b, 0);
        rb.submit(c, 0);
        List<byte[]> got = new ArrayList<>();
        try (RingBuffer consumer = new RingBuffer(rb, d -> { got.add(bytes(d)); return 0; })) {
            assertEquals(2, consumer.consume());
        }
        assertEquals(2, got.size());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, got.get(0));
        assertArrayEquals(new byte[] {3, 4, 5}, got.get(1));
        assertEquals(0, rb.query(BPF_RB_AVAIL_DATA));
    }

    @Test
    void aBusyRecordHoldsBackLaterOnes() {
        RingbufMap rb = ring(4096);
        int a = reserveFilled(rb, 8, 10);
        int b = reserveFilled(rb, 8, 20);
        rb.submit(b, 0);
        List<Integer> got = new ArrayList<>();
        RingBuffer consumer = new RingBuffer(rb, d -> { got.add((int) d.get(0)); return 0; });
        assertEquals(0, consumer.consume());
        rb.submit(a, 0);
        assertEquals(2, consumer.consume());
        assertEquals(List.of(10, 20), got);
    }

    @Test
    void queryReportsPositionsAndSizes() {
        RingbufMap rb = ring(8192);
        assertEquals(8192, rb.query(BPF_RB_RING_SIZE));
        assertEquals(0, rb.query(BPF_RB_PROD_POS));
        int a = rb.reserve(10, 0);
        assertEquals(24, rb.query(BPF_RB_PROD_POS));
        assertEquals(24, rb.query(BPF_RB_AVAIL_DATA));
        rb.submit(a, 0);
        new RingBuffer(rb, d -> 0).consume();
        assertEquals(24, rb.query(BPF_RB_CONS_POS));
        assertEquals(0, rb.query(BPF_RB_AVAIL_DATA));
        assertEquals(0, rb.query(99));
    }

    @Test
    void fullRingRefusesReserveAndOutput() {
        RingbufMap rb = ring(4096);
        int n = 0;
        while (rb.reserve(120, 0) >= 0) n++;
        assertEquals(4096 / 128, n);
        assertEquals(-1, rb.reserve(0, 0));
        assertEquals(-Errno.EAGAIN.value(), rb.output(new byte[8], 0, 8, 0));
        assertEquals(4096, rb.query(BPF_RB_AVAIL_DATA));
    }

    @Test
    void badReservationsAndFlags() {
        RingbufMap rb = ring(4096);
        assertEquals(-1, rb.reserve(8, 1), "reserve flags must be 0");
        assertEquals(-1, rb.reserve(4096 - 7, 0), "record plus header larger than the ring");
        assertEquals(-1, rb.reserve(-1, 0));
        assertTrue(rb.reserve(4096 - 8, 0) >= 0, "a record may fill the whole ring");
        assertEquals(-Errno.EINVAL.value(), ring(4096).output(new byte[8], 0, 8, 4));
        assertThrows(IllegalStateException.class, () -> {
            RingbufMap r = ring(4096);
            int off = r.reserve(8, 0);
            r.submit(off, 0);
            r.submit(off, 0);
        });
    }

    @Test
    void recordsThatWrapAroundTheEndStayContiguous() {
        RingbufMap rb = ring(4096);
        Random rnd = new Random(3);
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> got = new ArrayList<>();
        RingBuffer consumer = new RingBuffer(rb, d -> { got.add(bytes(d)); return 0; });
        for (int i = 0; i < 5000; i++) {
            int len = rnd.nextInt(1500);
            byte[] payload = new byte[len];
            rnd.nextBytes(payload);
            if (rb.output(payload, 0, len, BPF_RB_NO_WAKEUP) != 0) {
                consumer.consume();
                assertEquals(0, rb.output(payload, 0, len, 0), "seed 3, record " + i);
            }
            expected.add(payload);
        }
        consumer.consume();
        assertTrue(rb.query(BPF_RB_PROD_POS) > 100 * 4096, "many laps around the ring");
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), got.get(i), "seed 3, record " + i);
    }

    @Test
    void aNegativeHandlerResultStopsThePoll() {
        RingbufMap rb = ring(4096);
        for (int i = 0; i < 3; i++) assertEquals(0, rb.output(new byte[] {(byte) i}, 0, 1, 0));
        List<Integer> got = new ArrayList<>();
        RingBuffer consumer = new RingBuffer(rb, d -> { got.add((int) d.get(0)); return got.size() == 2 ? -42 : 0; });
        assertEquals(-42, consumer.consume());
        assertEquals(1, consumer.consume(), "the record after the stop is still there");
        assertEquals(List.of(0, 1, 2), got);
    }

    @Test
    void pollTimesOutAndWakesOnSubmit() throws Exception {
        RingbufMap rb = ring(4096);
        RingBuffer consumer = new RingBuffer(rb, d -> 0);
        long t0 = System.nanoTime();
        assertEquals(0, consumer.poll(50));
        assertTrue(System.nanoTime() - t0 >= 45_000_000L, "poll waits for its timeout");
        Thread producer = new Thread(() -> {
            try { Thread.sleep(50); } catch (InterruptedException e) { return; }
            rb.output(new byte[4], 0, 4, 0);
        });
        producer.start();
        t0 = System.nanoTime();
        assertEquals(1, consumer.poll(20_000));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "woken by the submit, not by the timeout");
        producer.join();
    }

    @Test
    void oneConsumerSeveralRings() {
        RingbufMap r1 = ring(4096), r2 = ring(4096);
        List<String> got = new ArrayList<>();
        RingBuffer consumer = new RingBuffer(r1, d -> { got.add("a" + d.get(0)); return 0; })
                .add(r2, d -> { got.add("b" + d.get(0)); return 0; });
        r1.output(new byte[] {1}, 0, 1, 0);
        r2.output(new byte[] {2}, 0, 1, 0);
        assertEquals(2, consumer.poll(0));
        assertEquals(List.of("a1", "b2"), got);
    }

    @Test
    void concurrentProducersLoseNothingAndKeepTheirOrder() throws Exception {
        RingbufMap rb = ring(1 << 14);
        int producers = 4, perProducer = 50_000;
        long[] lastSeq = new long[producers];
        java.util.Arrays.fill(lastSeq, -1);
        AtomicBoolean bad = new AtomicBoolean();
        long[] received = new long[1];
        RingBuffer consumer = new RingBuffer(rb, d -> {
            int p = d.getInt(0);
            long seq = d.getLong(8);
            if (seq != lastSeq[p] + 1) bad.set(true);
            lastSeq[p] = seq;
            received[0]++;
            return 0;
        });
        Thread[] ts = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int id = p;
            ts[p] = new Thread(() -> {
                for (long s = 0; s < perProducer; s++) {
                    int off;
                    while ((off = rb.reserve(16 + (int) (s % 5) * 8, 0)) < 0) Thread.onSpinWait();
                    Bytes.putInt(rb.valueStorage(0), off, id);
                    Bytes.putLong(rb.valueStorage(0), off + 8, s);
                    if (s % 7 == 3) {
                        rb.discard(off, 0);
                        // a discarded record is not sent: resend the same sequence number
                        while ((off = rb.reserve(16, 0)) < 0) Thread.onSpinWait();
                        Bytes.putInt(rb.valueStorage(0), off, id);
                        Bytes.putLong(rb.valueStorage(0), off + 8, s);
                    }
                    rb.submit(off, 0);
                }
            });
            ts[p].start();
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (received[0] < (long) producers * perProducer && System.nanoTime() < deadline) consumer.poll(100);
        for (Thread t : ts) t.join();
        assertFalse(bad.get(), "records of a producer arrived out of order or twice");
        assertEquals((long) producers * perProducer, received[0]);
    }

    @Test
    void mapOperationsAreNotSupported() {
        RingbufMap rb = ring(4096);
        assertErrno(Errno.ENOTSUPP, () -> rb.lookup(new byte[0]));
        assertErrno(Errno.ENOTSUPP, () -> rb.update(new byte[0], new byte[0], 0));
        assertErrno(Errno.ENOTSUPP, () -> rb.delete(new byte[0]));
        assertErrno(Errno.ENOTSUPP, () -> rb.getNextKey(null));
        assertEquals(-1, rb.lookupForProgram(new byte[4], 0));
        assertEquals(-Errno.ENOTSUPP.value(), rb.updateFromProgram(new byte[4], 0, new byte[4], 0, 0));
        assertEquals(2 * 4096, rb.valueStorage(0).length);
    }
}
