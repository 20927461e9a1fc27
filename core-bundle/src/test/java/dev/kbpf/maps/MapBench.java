package dev.kbpf.maps;

import dev.kbpf.api.MapAttr;
import dev.kbpf.api.MapFlags;
import dev.kbpf.api.MapType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A JMH-free micro benchmark of the program face: ns per hash lookup (hit and miss), hash lookup +
 * atomic add, hash update, array lookup, against a ConcurrentHashMap lookup measured in the same run
 * (the machine is shared, so only ratios to the baseline travel). Each figure is the best of several
 * rounds after warm-up.
 *
 * <pre>./mvnw -B -q -o -pl core-bundle test-compile &&
 * java -cp core-bundle/target/classes:core-bundle/target/test-classes dev.kbpf.maps.MapBench [keys]</pre>
 */
public final class MapBench {

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final int OPS = 1 << 22;
    static long sink;

    interface Body { long run(int[] order); }

    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        Random rnd = new Random(1);
        int[] order = new int[OPS];
        for (int i = 0; i < OPS; i++) order[i] = rnd.nextInt(keys);

        // keys laid out as on a program stack: 4-byte keys 8 bytes apart
        byte[] stack = new byte[keys * 8 + 16];
        for (int i = 0; i < keys; i++) Bytes.putInt(stack, i * 8, i * 2654435761L > 0 ? i * 7919 : i);
        byte[] missStack = new byte[keys * 8 + 16];
        for (int i = 0; i < keys; i++) Bytes.putInt(missStack, i * 8, -1 - i);

        HashTabMap hash = (HashTabMap) MapFactory.create(MapAttr.of(MapType.HASH, 4, 8, keys), 1);
        for (int i = 0; i < keys; i++) hash.updateFromProgram(stack, i * 8, stack, 0, MapFlags.BPF_ANY);
        ArrayMap array = (ArrayMap) MapFactory.create(MapAttr.of(MapType.ARRAY, 4, 8, keys), 2);
        byte[] idxStack = new byte[keys * 8 + 16];
        for (int i = 0; i < keys; i++) Bytes.putInt(idxStack, i * 8, i);

        ConcurrentHashMap<Integer, AtomicLongArray> chm = new ConcurrentHashMap<>();
        Integer[] boxed = new Integer[keys];
        for (int i = 0; i < keys; i++) {
            boxed[i] = Bytes.getInt(stack, i * 8);
            chm.put(boxed[i], new AtomicLongArray(1));
        }
        byte[] value = new byte[8];

        Body chmGet = o -> {
            long s = 0;
            for (int i : o) s += chm.get(boxed[i]).length();
            return s;
        };
        Body chmGetAdd = o -> {
            long s = 0;
            for (int i : o) s += chm.get(boxed[i]).getAndAdd(0, 1);
            return s;
        };
        Body hashLookup = o -> {
            long s = 0;
            for (int i : o) s += hash.lookupForProgram(stack, i * 8);
            return s;
        };
        Body hashMiss = o -> {
            long s = 0;
            for (int i : o) s += hash.lookupForProgram(missStack, i * 8);
            return s;
        };
        byte[] hv = hash.valueStorage(0);
        Body hashLookupAdd = o -> {
            long s = 0;
            for (int i : o) {
                int off = hash.lookupForProgram(stack, i * 8);
                if (off >= 0) s += (long) LONG.getAndAdd(hv, off, 1L);
            }
            return s;
        };
        Body hashUpdate = o -> {
            long s = 0;
            for (int i : o) s += hash.updateFromProgram(stack, i * 8, value, 0, MapFlags.BPF_ANY);
            return s;
        };
        Body arrayLookup = o -> {
            long s = 0;
            for (int i : o) s += array.lookupForProgram(idxStack, i * 8);
            return s;
        };

        ArrayMap perCpuArray = (ArrayMap) MapFactory.create(MapAttr.of(MapType.PERCPU_ARRAY, 4, 8, keys), 3);
        Body perCpuArrayLookup = o -> {
            long s = 0;
            for (int i : o) {
                int off = perCpuArray.lookupForProgram(idxStack, i * 8);
                s += perCpuArray.valueStorage(Cpus.current())[off]; // what a program's load through the pointer needs
            }
            return s;
        };

        String[] names = {"ConcurrentHashMap.get (baseline)", "CHM.get + getAndAdd (baseline)", "hash lookup (hit)",
            "hash lookup (miss)", "hash lookup + atomic add", "hash update (BPF_ANY, existing)", "array lookup",
            "per-CPU array lookup + Cpus.current()"};
        Body[] bodies = {chmGet, chmGetAdd, hashLookup, hashMiss, hashLookupAdd, hashUpdate, arrayLookup, perCpuArrayLookup};
        double[] best = new double[bodies.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < 8; round++) {
            for (int b = 0; b < bodies.length; b++) {
                long t0 = System.nanoTime();
                sink += bodies[b].run(order);
                double ns = (System.nanoTime() - t0) / (double) OPS;
                if (round >= 2) best[b] = Math.min(best[b], ns); // rounds 0-1 are warm-up
            }
        }
        System.out.printf("keys=%d, ops per round=%d, best of 6 rounds (after 2 warm-up), single thread%n", keys, OPS);
        for (int b = 0; b < bodies.length; b++) {
            System.out.printf("  %-36s %7.2f ns/op  (%.2fx baseline)%n", names[b], best[b], best[b] / best[0]);
        }
        // the same hash lookups and updates on two threads at once (one map): lock-free reads scale, updates share a lock
        System.out.println("two threads at once, ns/op per thread (best of 4 rounds):");
        for (int b : new int[] {0, 2, 5}) {
            double twoBest = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                Body body = bodies[b];
                long[] res = new long[2];
                Thread other = new Thread(() -> res[1] = body.run(order));
                long t0 = System.nanoTime();
                other.start();
                res[0] = body.run(order);
                try { other.join(); } catch (InterruptedException e) { throw new RuntimeException(e); }
                double ns = (System.nanoTime() - t0) / (double) OPS;
                sink += res[0] + res[1];
                if (round >= 1) twoBest = Math.min(twoBest, ns);
            }
            System.out.printf("  %-36s %7.2f ns/op%n", names[b], twoBest);
        }
        System.out.println("  (sink " + (sink & 1) + ")");
    }
}
