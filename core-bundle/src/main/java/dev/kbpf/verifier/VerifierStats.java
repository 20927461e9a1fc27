package dev.kbpf.verifier;

/**
 * The figures of one verification, as Linux prints them on the last log line.
 *
 * @param processedInsns   instructions processed across all paths ({@code processed N insns})
 * @param totalStates      states stored at prune points
 * @param peakStates       the most stored states alive at once
 * @param maxStatesPerInsn the longest list of states kept for one instruction
 * @param markRead         the longest walk up the chain of parent states when a path completed
 * @param nanos            wall time of the verification
 */
public record VerifierStats(int processedInsns, int totalStates, int peakStates, int maxStatesPerInsn, int markRead, long nanos) {

    /** The last line of a successful log. */
    public String summaryLine() {
        return "processed " + processedInsns + " insns (limit 1000000) max_states_per_insn " + maxStatesPerInsn
                + " total_states " + totalStates + " peak_states " + peakStates + " mark_read " + markRead;
    }
}
