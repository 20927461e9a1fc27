package dev.kbpf.osgi;

import dev.kbpf.sysctl.SysctlSetting;
import dev.kbpf.sysctl.SysctlStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Keeps sysctls in ConfigAdmin under the PID {@value #PID}, so they survive a reboot of the
 * framework (and, with FileInstall's write-back, land in {@code etc/dev.kbpf.sysctl.cfg}). Each
 * sysctl is a property {@code name = value}; a timed write adds {@code name.expires = epoch millis}.
 */
final class ConfigAdminSysctlStore implements SysctlStore {
    static final String PID = "dev.kbpf.sysctl";
    private static final Logger LOG = Logger.getLogger(ConfigAdminSysctlStore.class.getName());
    private static final String EXPIRES = ".expires";

    private final ConfigurationAdmin configAdmin;

    ConfigAdminSysctlStore(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public List<SysctlSetting> load() {
        List<SysctlSetting> out = new ArrayList<>();
        try {
            Dictionary<String, Object> props = configuration().getProperties();
            if (props == null) return out;
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                if (key.endsWith(EXPIRES) || key.startsWith("service.") || key.startsWith("felix.") || !key.contains(".")) continue;
                Integer value = asInt(props.get(key));
                if (value == null) {
                    LOG.warning("sysctl " + key + " in " + PID + ": not an integer: " + props.get(key));
                    continue;
                }
                Object expires = props.get(key + EXPIRES);
                Optional<Instant> at = expires == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(expires.toString().trim())));
                out.add(new SysctlSetting(key, value, at));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot read the sysctls from ConfigAdmin: " + e);
        }
        return out;
    }

    private static Integer asInt(Object o) {
        if (o instanceof Number n) return n.intValue();
        try {
            return o == null ? null : Integer.valueOf(o.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void save(List<SysctlSetting> settings) {
        Hashtable<String, Object> props = new Hashtable<>();
        for (SysctlSetting s : settings) {
            props.put(s.name(), Integer.toString(s.value()));
            s.expiresAt().ifPresent(t -> props.put(s.name() + EXPIRES, Long.toString(t.toEpochMilli())));
        }
        try {
            configuration().update(props);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot save the sysctls to ConfigAdmin: " + e);
        }
    }

    private Configuration configuration() throws IOException {
        return configAdmin.getConfiguration(PID, "?");
    }
}
