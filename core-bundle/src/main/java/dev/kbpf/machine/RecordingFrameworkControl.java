package dev.kbpf.machine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A power switch that records what was asked of it and touches nothing: the mode for tests,
 * where halting or rebooting would stop the framework the test itself runs in.
 */
public final class RecordingFrameworkControl implements FrameworkControl {

    /** What was asked. */
    public enum Action { HALT, REBOOT }

    private final List<Action> actions = new CopyOnWriteArrayList<>();

    @Override public void halt() { actions.add(Action.HALT); }

    @Override public void reboot() { actions.add(Action.REBOOT); }

    /** Every call, oldest first. */
    public List<Action> actions() { return List.copyOf(actions); }

    public void clear() { actions.clear(); }
}
